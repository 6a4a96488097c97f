/**
 * The edges that are alive: each edge sends a heartbeat every few seconds
 * (edge-heartbeat), which is a lease. Everything an edge holds — its flows,
 * the call slots of its calls, its open calls — is trusted only while the
 * lease runs and the boot is the same; after that the reaper reclaims it.
 *
 * | Item           | pk    | sk       | attributes |
 * |----------------|-------|----------|------------|
 * | edge heartbeat | EDGES | <edgeId> | edgeId, bootId, sipHost, sipPort, bootedAt, lastSeen, expiresAt (epoch ms), ttl |
 *
 * One partition for all edges: there are a handful, and one Query lists
 * them. TTL (epoch s) is set well after expiry: the reaper must still see a
 * dead edge to close its calls; it deletes the item itself once nothing of
 * the edge is left (see reaper.ts).
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { toTtlSeconds } from '../store/keys.js';
import { queryAll } from '../../../contracts/store/query-all.js';

export interface EdgeRecord {
  edgeId: string;
  bootId: string;
  /** Where other edges send SIP for devices this edge holds. */
  sipHost: string;
  sipPort: number;
  /** Epoch ms of the first heartbeat of this boot: the previous boot was dead by then. */
  bootedAt: number;
  /** Epoch ms of the latest heartbeat. */
  lastSeen: number;
  /** Epoch ms; the edge is dead after this unless a new heartbeat comes. */
  expiresAt: number;
}

export interface EdgeStatus extends EdgeRecord {
  alive: boolean;
}

export interface HeartbeatInput {
  edgeId: string;
  bootId: string;
  sipHost: string;
  sipPort: number;
  ttlSeconds: number;
}

/** How long after its death a heartbeat item stays, at most (DynamoDB TTL backstop of the reaper). */
export const EDGE_ITEM_RETENTION_MS = 7 * 24 * 3_600_000;

export const edgeKey = (edgeId: string) => ({ pk: 'EDGES', sk: edgeId });

/**
 * Whether an edge (and, with `bootId`, that boot of it) still holds what it
 * claimed: its lease has not run out and it has not restarted since.
 * Pure; a missing heartbeat item means dead.
 */
export function isEdgeAlive(edge: EdgeRecord | undefined, bootId: string | undefined, now: number): boolean {
  if (!edge || edge.expiresAt <= now) return false;
  return bootId === undefined || edge.bootId === bootId;
}

export interface EdgeRegistry {
  recordHeartbeat(input: HeartbeatInput, now: number): Promise<EdgeRecord>;
  getEdge(edgeId: string): Promise<EdgeRecord | undefined>;
  /** Every edge with a heartbeat item, dead ones included (the reaper looks for those). */
  listEdges(now: number): Promise<EdgeStatus[]>;
  /** Deletes the item iff it is still the same boot and got no heartbeat since `lastSeen`. */
  deleteEdge(edge: Pick<EdgeRecord, 'edgeId' | 'bootId' | 'lastSeen'>): Promise<boolean>;
}

const isConditionalCheckFailed = (err: unknown): boolean =>
  err instanceof Error && err.name === 'ConditionalCheckFailedException';

function toEdgeRecord(item: Record<string, unknown> | undefined): EdgeRecord | undefined {
  if (!item || typeof item.edgeId !== 'string' || typeof item.bootId !== 'string') return undefined;
  const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
  return {
    edgeId: item.edgeId,
    bootId: item.bootId,
    sipHost: typeof item.sipHost === 'string' ? item.sipHost : '',
    sipPort: num(item.sipPort),
    bootedAt: num(item.bootedAt),
    lastSeen: num(item.lastSeen),
    expiresAt: num(item.expiresAt),
  };
}

export class EdgeRegistryRepository implements EdgeRegistry {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async recordHeartbeat(input: HeartbeatInput, now: number): Promise<EdgeRecord> {
    const expiresAt = now + input.ttlSeconds * 1000;
    const ttl = toTtlSeconds(expiresAt + EDGE_ITEM_RETENTION_MS);
    // Same boot: refresh the lease and keep bootedAt.
    try {
      const res = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: edgeKey(input.edgeId),
          UpdateExpression: 'SET sipHost = :host, sipPort = :port, lastSeen = :now, expiresAt = :expiresAt, #ttl = :ttl',
          ConditionExpression: 'bootId = :bootId',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: {
            ':host': input.sipHost,
            ':port': input.sipPort,
            ':now': now,
            ':expiresAt': expiresAt,
            ':ttl': ttl,
            ':bootId': input.bootId,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toEdgeRecord(res.Attributes)!;
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err;
    }
    // First heartbeat of this boot (or of this edge): a new lease starts now.
    const record: EdgeRecord = {
      edgeId: input.edgeId,
      bootId: input.bootId,
      sipHost: input.sipHost,
      sipPort: input.sipPort,
      bootedAt: now,
      lastSeen: now,
      expiresAt,
    };
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...edgeKey(input.edgeId), ...record, ttl } }));
    return record;
  }

  async getEdge(edgeId: string): Promise<EdgeRecord | undefined> {
    const res = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: edgeKey(edgeId), ConsistentRead: true }));
    return toEdgeRecord(res.Item);
  }

  async listEdges(now: number): Promise<EdgeStatus[]> {
    const out: EdgeStatus[] = [];
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'EDGES' },
      ConsistentRead: true,
    });
    for (const item of items) {
      const edge = toEdgeRecord(item);
      if (edge) out.push({ ...edge, alive: isEdgeAlive(edge, undefined, now) });
    }
    return out;
  }

  async deleteEdge(edge: Pick<EdgeRecord, 'edgeId' | 'bootId' | 'lastSeen'>): Promise<boolean> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: edgeKey(edge.edgeId),
          ConditionExpression: 'bootId = :bootId AND lastSeen = :lastSeen',
          ExpressionAttributeValues: { ':bootId': edge.bootId, ':lastSeen': edge.lastSeen },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw err;
    }
  }
}
