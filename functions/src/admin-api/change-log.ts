/**
 * After a successful change: one audit entry per change (the tenant's log,
 * or the system log for system-level changes; tenant creation and deletion
 * go to both) and one directory.changed event per directory change, so that
 * caches at the edges and in warm functions can drop what changed.
 */
import { directoryChangedEvent, type DirectoryKind } from '../../../contracts/bus/directory-events.js';
import type { EventBus } from '../../../contracts/bus/event-bus.js';
import { SYSTEM_AUDIT_SCOPE, type AuditLog } from './audit-repository.js';
import type { Principal } from './principal.js';
import type { Change } from './route.js';

const DIRECTORY_KINDS: ReadonlySet<string> = new Set<DirectoryKind>(['tenant', 'user', 'trunk', 'settings']);

export interface ChangeLogDeps {
  audit: AuditLog;
  bus: EventBus;
  now: () => number;
}

export async function logChanges(deps: ChangeLogDeps, principal: Principal, action: string, changes: readonly Change[]): Promise<void> {
  if (changes.length === 0) return;
  const now = new Date(deps.now());
  for (const change of changes) {
    const entry = {
      at: now.toISOString(),
      actor: principal.actor,
      action,
      operation: change.operation ?? `${change.kind}.${change.op}`,
      target: { kind: change.kind, id: change.id },
      ...(change.before !== undefined ? { before: change.before } : {}),
      ...(change.after !== undefined ? { after: change.after } : {}),
    };
    const scopes = change.tenantId === undefined ? [SYSTEM_AUDIT_SCOPE] : change.kind === 'tenant' && change.op !== 'updated' ? [change.tenantId, SYSTEM_AUDIT_SCOPE] : [change.tenantId];
    for (const scope of scopes) await deps.audit.append(scope, entry);
  }
  const events = changes
    .filter((c) => DIRECTORY_KINDS.has(c.kind))
    .map((c) =>
      directoryChangedEvent(
        { ...(c.tenantId !== undefined ? { tenantId: c.tenantId } : {}), kind: c.kind as DirectoryKind, id: c.id, op: c.op, ...(c.domains ? { domains: c.domains } : {}) },
        now,
      ),
    );
  if (events.length > 0) await deps.bus.publish(events);
}
