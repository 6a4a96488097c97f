/**
 * Bindings of a user (one item, optimistic concurrency on `version`) and the
 * flow index that lets flow-closed find bindings of a closed connection.
 */
import { DeleteCommand, GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { putIfVersion } from '../store/versioned-put.js';
import { isLive, type Binding } from './binding.js';
import { bindingsKey, flowKey, formatAorRef, parseAorRef, toTtlSeconds, type AorRef } from '../store/keys.js';

export interface BindingSet {
  /** Live bindings only (expiresAt > now). */
  bindings: Binding[];
  /** Version to pass back to saveBindings; 0 = no item yet. */
  version: number;
}

/** What register and flow-closed need; tests may implement it in memory. */
export interface BindingStore {
  loadBindings(aor: AorRef, now: number): Promise<BindingSet>;
  /** Writes iff the stored version is still `expectedVersion`; false on a concurrent update (caller re-reads and retries). */
  saveBindings(aor: AorRef, bindings: Binding[], expectedVersion: number, now: number): Promise<boolean>;
  /** Records that `aor` has a binding reached through this flow. Idempotent. */
  addFlowAor(edgeId: string, flowId: string, aor: AorRef, ttlEpochMs: number): Promise<void>;
  listFlowAors(edgeId: string, flowId: string): Promise<AorRef[]>;
  deleteFlow(edgeId: string, flowId: string): Promise<void>;
}


export class BindingRepository implements BindingStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async loadBindings(aor: AorRef, now: number): Promise<BindingSet> {
    const res = await this.doc.send(
      // Strongly consistent: the version we read must be the latest one or every write would conflict.
      new GetCommand({ TableName: this.tableName, Key: bindingsKey(aor.tenantId, aor.ext), ConsistentRead: true }),
    );
    const item = res.Item;
    if (!item) return { bindings: [], version: 0 };
    const stored = Array.isArray(item.bindings) ? (item.bindings as Binding[]) : [];
    // TTL deletion runs up to days late; expired bindings must never be handed out.
    return { bindings: stored.filter((b) => isLive(b, now)), version: typeof item.version === 'number' ? item.version : 0 };
  }

  async saveBindings(aor: AorRef, bindings: Binding[], expectedVersion: number, now: number): Promise<boolean> {
    // The item lives as long as its longest binding; an empty set is kept
    // (expiring now) rather than deleted so the version keeps increasing.
    const ttl = toTtlSeconds(Math.max(now, ...bindings.map((b) => b.expiresAt)));
    return putIfVersion(this.doc, this.tableName, { ...bindingsKey(aor.tenantId, aor.ext), bindings, ttl }, expectedVersion);
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
