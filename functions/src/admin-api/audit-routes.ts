/**
 * The audit log (audit-repository.ts), newest first, in pages: a tenant's
 * (its admins may read it) and the system's (system role).
 */
import { z } from 'zod';
import { BadCursorError } from '../store/page-cursor.js';
import { badRequest } from './api-error.js';
import { SYSTEM_AUDIT_SCOPE } from './audit-repository.js';
import type { AdminApiDeps } from './admin-api-deps.js';
import { LIST_PAGE_DEFAULT, pageQuerySchema } from './query-params.js';
import { reply } from './replies.js';
import { route, tenantOf } from './route.js';

const TAG = 'Audit';

const auditEntryView = z
  .object({
    at: z.string(),
    actor: z.string().meta({ description: '"system-token", "token:<name>" or "jwt:<user>"' }),
    action: z.string().meta({ description: '"<METHOD> <path>"' }),
    operation: z.string().meta({ description: 'e.g. "user.created", "seed.imported"' }),
    target: z.object({ kind: z.string(), id: z.string() }),
    before: z.unknown().optional(),
    after: z.unknown().optional(),
  })
  .meta({ id: 'AuditEntry', description: 'One change; before/after are API views without secrets.' });

const auditPageView = z
  .object({ scope: z.string(), entries: z.array(auditEntryView), cursor: z.string().optional() })
  .meta({ id: 'AuditPage' });

async function page(deps: AdminApiDeps, scope: string, query: z.output<typeof pageQuerySchema>) {
  try {
    const p = await deps.audit.listPage(scope, query.limit ?? LIST_PAGE_DEFAULT, query.cursor);
    return reply(200, { scope, entries: p.entries, ...(p.cursor ? { cursor: p.cursor } : {}) });
  } catch (err) {
    if (err instanceof BadCursorError) throw badRequest(err.message);
    throw err;
  }
}

const tenantAudit = route<undefined, z.output<typeof pageQuerySchema>>({
  method: 'GET',
  path: '/tenants/{tenant}/audit',
  access: 'tenant',
  summary: "The tenant's audit log, newest first (?limit=, ?cursor=)",
  tag: TAG,
  query: pageQuerySchema,
  success: { status: 200, schema: auditPageView },
  errors: [404],
  action: async (ctx) => page(ctx.deps, tenantOf(ctx).id, ctx.query),
});

const systemAudit = route<undefined, z.output<typeof pageQuerySchema>>({
  method: 'GET',
  path: '/audit',
  access: 'system',
  summary: 'The system audit log (system settings, bans, tenants created and deleted), newest first',
  tag: TAG,
  query: pageQuerySchema,
  success: { status: 200, schema: auditPageView },
  action: async (ctx) => page(ctx.deps, SYSTEM_AUDIT_SCOPE, ctx.query),
});

export const AUDIT_ROUTES = [tenantAudit, systemAudit];
