/**
 * The admin audit log: one item per change, per tenant, newest first.
 *
 * | Item        | pk                               | sk                   | attributes |
 * |-------------|----------------------------------|----------------------|------------|
 * | audit entry | AUDIT#<tenantId> / AUDIT#SYSTEM   | <at ISO>#<seq><rnd>  | at, actor, action, operation, target, before?, after? |
 *
 * Its own partition, not TENANT#<t>: deleting a tenant deletes every item of
 * the tenant but keeps the record of who deleted it. Entries hold the API's
 * views (audit-entry.ts strips secrets before they get here). Kept until an
 * operator removes them; no TTL.
 */
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { decodeCursor, encodeCursor } from '../store/page-cursor.js';

/** The partition of system-level changes (system settings, bans, tenant creation and deletion). */
export const SYSTEM_AUDIT_SCOPE = 'SYSTEM';

export interface AuditEntry {
  /** ISO-8601 time of the change. */
  at: string;
  /** Who: "system-token", "token:<name>", "jwt:<subject>". */
  actor: string;
  /** What was asked: "<METHOD> <path>". */
  action: string;
  /** What it did, e.g. "user.created". */
  operation: string;
  target: { kind: string; id: string };
  before?: unknown;
  after?: unknown;
}

export interface AuditPage {
  entries: AuditEntry[];
  cursor?: string;
}

export interface AuditLog {
  /** `scope`: a tenant id, or SYSTEM_AUDIT_SCOPE. */
  append(scope: string, entry: AuditEntry): Promise<void>;
  listPage(scope: string, limit: number, cursor?: string): Promise<AuditPage>;
}

const partition = (scope: string): string => `AUDIT#${scope}`;

/** Orders the entries one process writes within the same millisecond (a request's changes, in their order). */
let sequence = 0;

function toEntry(item: Record<string, unknown>): AuditEntry {
  const target = (item.target ?? {}) as { kind?: unknown; id?: unknown };
  return {
    at: String(item.at),
    actor: String(item.actor),
    action: String(item.action),
    operation: String(item.operation),
    target: { kind: String(target.kind ?? ''), id: String(target.id ?? '') },
    ...(item.before !== undefined ? { before: item.before } : {}),
    ...(item.after !== undefined ? { after: item.after } : {}),
  };
}

export class AuditRepository implements AuditLog {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async append(scope: string, entry: AuditEntry): Promise<void> {
    // Same millisecond: this process's sequence keeps its order, the random part keeps other writers apart.
    sequence = (sequence + 1) % 1_000_000;
    const sk = `${entry.at}#${String(sequence).padStart(6, '0')}${randomBytes(4).toString('hex')}`;
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { pk: partition(scope), sk, ...entry } }));
  }

  async listPage(scope: string, limit: number, cursor?: string): Promise<AuditPage> {
    const pk = partition(scope);
    const res = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ScanIndexForward: false,
        Limit: limit,
        ...(cursor !== undefined ? { ExclusiveStartKey: decodeCursor(cursor, ['pk', 'sk'], { pk }) } : {}),
      }),
    );
    const next = encodeCursor(res.LastEvaluatedKey);
    return { entries: (res.Items ?? []).map(toEntry), ...(next ? { cursor: next } : {}) };
  }
}
