/**
 * Bindings of a user (one item, optimistic concurrency on `version`, which
 * also carries the user's current online interval: reports/online-span.ts)
 * and the flow index that lets flow-closed find bindings of a closed
 * connection.
 *
 * A warm function remembers the last item it read or wrote per user
 * (issue 14: a REGISTER refresh reads nothing). That copy is only ever the
 * base of a conditional write — the version decides, and a stale copy costs
 * one failed write and a fresh read (optimistic-update.ts) — and never an
 * answer by itself.
 */
import { DeleteCommand, GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ExpiringCache } from '../../../contracts/expiring-cache.js';
import { nextOnlineSpan, type OnlineSpan } from '../reports/online-span.js';
import { onlineIndexed, onlineIndexPartition, type OnlineArchive } from '../reports/online-repository.js';
import { putIfVersion } from '../store/versioned-put.js';
import { isLive, type Binding } from './binding.js';
import { bindingsKey, flowKey, formatAorRef, parseAorRef, toTtlSeconds, type AorRef } from '../store/keys.js';

const aorKey = (aor: AorRef) => formatAorRef(aor);

export interface BindingSet {
  /** Live bindings only (expiresAt > now). */
  bindings: Binding[];
  /** Version to pass back to saveBindings; 0 = no item yet. */
  version: number;
  /** The user's current or last online interval, as the item carries it. */
  online?: OnlineSpan;
  /** Read from this function's memory, not from the store: good for a conditional write only. */
  remembered?: boolean;
}

/** What register and flow-closed need; tests may implement it in memory. */
export interface BindingStore {
  /** From the store (strongly consistent); `remembered: true` lets the function's last copy answer instead. */
  loadBindings(aor: AorRef, now: number, options?: { remembered?: boolean }): Promise<BindingSet>;
  /**
   * Writes iff the stored version is still `expectedVersion`; false on a concurrent update (caller re-reads and retries).
   * `online` is the interval the loaded item carried: the write moves it along (reports/online-span.ts).
   */
  saveBindings(aor: AorRef, bindings: Binding[], expectedVersion: number, now: number, online?: OnlineSpan): Promise<boolean>;
  /** Records that `aor` has a binding reached through this flow. Idempotent. */
  addFlowAor(edgeId: string, flowId: string, aor: AorRef, ttlEpochMs: number): Promise<void>;
  listFlowAors(edgeId: string, flowId: string): Promise<AorRef[]>;
  deleteFlow(edgeId: string, flowId: string): Promise<void>;
}


/** Users whose last bindings item a warm function remembers, and for how long (a stale copy only costs a failed write). */
const REMEMBERED_USERS = 10_000;
const REMEMBER_MS = 3_600_000;
/** The item outlives its last binding this long: its online interval must still be there when the hourly rollup reads it. */
const ONLINE_RETENTION_MS = 7 * 86_400_000;

type StoredSet = { bindings: Binding[]; version: number; online?: OnlineSpan };

export class BindingRepository implements BindingStore {
  private readonly remembered = new ExpiringCache<string, StoredSet>(REMEMBER_MS, REMEMBERED_USERS);

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Where finished online intervals go; absent = no history kept (stores without reports). */
    private readonly online?: OnlineArchive,
  ) {}

  async loadBindings(aor: AorRef, now: number, options: { remembered?: boolean } = {}): Promise<BindingSet> {
    const copy = options.remembered ? this.remembered.lookup(aorKey(aor))?.value : undefined;
    const set = copy ? { ...copy, remembered: true } : await this.read(aor);
    // TTL deletion runs up to days late; expired bindings must never be handed out.
    return { ...set, bindings: set.bindings.filter((b) => isLive(b, now)) };
  }

  async saveBindings(aor: AorRef, bindings: Binding[], expectedVersion: number, now: number, online?: OnlineSpan): Promise<boolean> {
    const next = nextOnlineSpan(online, bindings, now);
    // Before the item's span is replaced: the finished interval is its own item from now on (idempotent if this write loses).
    if (next.archive) await this.online?.archiveInterval(aor, next.archive);
    if (next.started) await this.online?.joinRollup(aor.tenantId, next.span!.from);
    // An empty set is kept rather than deleted, so the version keeps increasing and the last interval stays readable.
    const ttl = toTtlSeconds(Math.max(now, ...bindings.map((b) => b.expiresAt)) + ONLINE_RETENTION_MS);
    const span = next.span && this.online ? { ...onlineIndexed(aor.ext, next.span), gsi1pk: onlineIndexPartition(aor.tenantId) } : {};
    const saved = await putIfVersion(this.doc, this.tableName, { ...bindingsKey(aor.tenantId, aor.ext), bindings, ttl, ...span }, expectedVersion);
    if (saved) this.remembered.set(aorKey(aor), { bindings, version: expectedVersion + 1, ...(next.span ? { online: next.span } : {}) });
    else this.remembered.delete(aorKey(aor));
    return saved;
  }

  /** Whether a copy of the user's item is remembered (a REGISTER then needs no read of it). */
  remembers(aor: AorRef): boolean {
    return this.remembered.lookup(aorKey(aor)) !== undefined;
  }

  /**
   * The user's bindings item as a strongly consistent read just returned it
   * (undefined: there is none), read along with something else
   * (user-with-bindings.ts): remembered like one of this repository's reads.
   */
  rememberItem(aor: AorRef, item: Record<string, unknown> | undefined): void {
    this.remembered.set(aorKey(aor), storedSet(item));
  }

  private async read(aor: AorRef): Promise<StoredSet> {
    const res = await this.doc.send(
      // Strongly consistent: the version we read must be the latest one or every write would conflict.
      new GetCommand({ TableName: this.tableName, Key: bindingsKey(aor.tenantId, aor.ext), ConsistentRead: true }),
    );
    const set = storedSet(res.Item);
    if (res.Item) this.remembered.set(aorKey(aor), set);
    return set;
  }

  async addFlowAor(edgeId: string, flowId: string, aor: AorRef, ttlEpochMs: number): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: flowKey(edgeId, flowId),
        UpdateExpression: 'ADD #aors :aor SET #ttl = :ttl',
        ExpressionAttributeNames: { '#aors': 'aors', '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':aor': new Set([formatAorRef(aor)]), ':ttl': toTtlSeconds(ttlEpochMs) },
      }),
    );
  }

  async listFlowAors(edgeId: string, flowId: string): Promise<AorRef[]> {
    const res = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: flowKey(edgeId, flowId), ConsistentRead: true }),
    );
    const aors = res.Item?.aors;
    if (!(aors instanceof Set)) return [];
    return [...(aors as Set<string>)].map(parseAorRef).filter((a): a is AorRef => a !== undefined);
  }

  async deleteFlow(edgeId: string, flowId: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: flowKey(edgeId, flowId) }));
  }
}

function storedSet(item: Record<string, unknown> | undefined): StoredSet {
  if (!item) return { bindings: [], version: 0 };
  return {
    bindings: Array.isArray(item.bindings) ? (item.bindings as Binding[]) : [],
    version: typeof item.version === 'number' ? item.version : 0,
    ...(typeof item.from === 'string' && typeof item.until === 'string' ? { online: { from: item.from, until: item.until } } : {}),
  };
}
