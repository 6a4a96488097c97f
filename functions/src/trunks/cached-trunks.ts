/**
 * The trunk data every INVITE reads, with a cache in front (issue 14: no
 * store read that a cache can answer). authorize-call asks, for every
 * out-of-dialog INVITE, whether its source is an IP trunk (a Query of
 * TRUNKSRC#<address>:<port>) and which registering lines could have sent it
 * (a Query of TRUNKS#REGISTER), and reads a tenant's trunks to route a call
 * out. A warm function keeps those answers — "no trunk at this source", the
 * common case for phones, included — for PBX_DIRECTORY_CACHE_SECONDS, the
 * same bound as the directory (directory/cached-directory.ts), and drops
 * them as soon as it hears directory.changed for a trunk or a tenant where
 * that event reaches it (the local stack's in-process bus): so a trunk
 * added, changed or deleted through the admin API is seen on the next call
 * locally, and within the TTL in a Lambda container. Trunk state that
 * changes on its own (registration status, usage counters) is not cached.
 */
import { parseDirectoryChanged } from '../../../contracts/bus/directory-events.js';
import { DEFAULT_DIRECTORY_CACHE_SECONDS } from '../../../contracts/settings/store-settings.js';
import type { Trunk } from '../../../contracts/trunk.js';
import { ReadThrough } from '../store/read-through.js';
import { trunkForSource, trunkSourcePartition, type TrunkReader } from './trunk-repository.js';

/** Sources are one entry each, found or not: a flood of made-up sources only forgets the oldest. */
const MAX_SOURCES = 50_000;
const MAX_TENANTS = 10_000;
const REGISTERING = 'registering';

export type CallTrunkReader = Pick<TrunkReader, 'listTrunks' | 'findTrunkBySource' | 'findTrunksBySource' | 'listRegisteringTrunks'>;

export class CachedTrunks implements CallTrunkReader {
  private readonly bySource: ReadThrough<Trunk[]>;
  private readonly byTenant: ReadThrough<Trunk[]>;
  private readonly registering: ReadThrough<Trunk[]>;

  constructor(
    private readonly store: Pick<TrunkReader, 'listTrunks' | 'findTrunksBySource' | 'listRegisteringTrunks'>,
    options: { ttlMs?: number; now?: () => number; maxSources?: number } = {},
  ) {
    const ttl = options.ttlMs ?? DEFAULT_DIRECTORY_CACHE_SECONDS * 1000;
    this.bySource = new ReadThrough(ttl, options.maxSources ?? MAX_SOURCES, options.now);
    this.byTenant = new ReadThrough(ttl, MAX_TENANTS, options.now);
    this.registering = new ReadThrough(ttl, 1, options.now);
  }

  listTrunks(tenantId: string): Promise<Trunk[]> {
    return this.byTenant.get(tenantId, () => this.store.listTrunks(tenantId));
  }

  listRegisteringTrunks(): Promise<Trunk[]> {
    return this.registering.get(REGISTERING, () => this.store.listRegisteringTrunks());
  }

  findTrunksBySource(address: string, port: number): Promise<Trunk[]> {
    return this.bySource.get(trunkSourcePartition(address, port), () => this.store.findTrunksBySource(address, port));
  }

  async findTrunkBySource(address: string, port: number, calledNumber?: string): Promise<Trunk | undefined> {
    return trunkForSource(await this.findTrunksBySource(address, port), calledNumber);
  }

  /**
   * A directory.changed detail: a trunk's change drops everything (its
   * sources, old and new, and whether it registers are not in the event); a
   * tenant's (a deleted tenant takes its trunks along) too; users and
   * settings leave trunks alone. A detail it cannot read drops everything.
   */
  changed(detail: unknown): void {
    let kind: string;
    try {
      kind = parseDirectoryChanged(detail).kind;
    } catch {
      kind = 'unknown';
    }
    if (kind === 'user' || kind === 'settings') return;
    for (const cache of [this.bySource, this.byTenant, this.registering]) {
      cache.changed();
      cache.cache.clear();
    }
  }
}
