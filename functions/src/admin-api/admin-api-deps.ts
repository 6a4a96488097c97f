/**
 * Everything the admin API's routes use, built from the shared stores, the
 * bus and a clock. One interface for the Lambda (admin-api-handler.ts), the
 * local stack (the same handler, in-process) and the tests (dynalite).
 */
import type { EventBus } from '../../../contracts/bus/event-bus.js';
import type { Stores } from '../runtime/stores.js';
import type { ActiveCallDeps } from '../cdr/active-calls.js';
import type { RollupDeps } from '../reports/rollup-hour.js';
import type { ApplySeedDeps } from '../seed/apply-seed.js';

export interface AdminApiDeps {
  directory: Stores['directory'];
  directoryAdmin: Stores['directoryAdmin'];
  bindings: Pick<Stores['bindings'], 'loadBindings'>;
  trunks: Stores['trunks'];
  trunkAdmin: Stores['trunkAdmin'];
  trunkUsage: Pick<Stores['trunkUsage'], 'usage'>;
  trunkStatus: Pick<Stores['trunkStatus'], 'listStatuses' | 'getStatus'>;
  settings: Stores['settings'];
  bans: Stores['bans'];
  tokens: Stores['tokens'];
  audit: Stores['audit'];
  activeCalls: ActiveCallDeps;
  reports: Stores['reports'];
  rollup: RollupDeps;
  /** The seed's upsert (import): the same deps as at start. */
  seed: Required<ApplySeedDeps>;
  bus: EventBus;
  /** Epoch ms. */
  now: () => number;
  /** PBX_ADMIN_TOKEN; undefined = no system token (cloud: Cognito only). */
  adminToken: string | undefined;
}

export interface AdminApiDepsInput {
  stores: Stores;
  bus: EventBus;
  now: () => number;
  adminToken: string | undefined;
}

export function adminApiDeps({ stores, bus, now, adminToken }: AdminApiDepsInput): AdminApiDeps {
  return {
    directory: stores.directory,
    directoryAdmin: stores.directoryAdmin,
    bindings: stores.bindings,
    trunks: stores.trunks,
    trunkAdmin: stores.trunkAdmin,
    trunkUsage: stores.trunkUsage,
    trunkStatus: stores.trunkStatus,
    settings: stores.settings,
    bans: stores.bans,
    tokens: stores.tokens,
    audit: stores.audit,
    activeCalls: { edges: stores.edges, cdrs: stores.cdrs, openCalls: stores.openCalls },
    reports: stores.reports,
    rollup: { cdrs: stores.cdrs, online: stores.online, reports: stores.reports, now },
    seed: { directory: stores.directory, system: stores.systemSettings, trunks: stores.trunks },
    bus,
    now,
    adminToken: adminToken || undefined,
  };
}
