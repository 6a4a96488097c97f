/**
 * Report rows, the rollup's per-tenant watermark, and the reports' paged
 * read of CDRs (item layout: keys.ts conventions).
 *
 * | Item            | pk                 | sk                         | attributes |
 * |-----------------|--------------------|----------------------------|------------|
 * | call report row | TENANT#<tenantId>  | REPORT#CALLS#<hour>        | CallReportRow; gsi1pk REPORT#CALLS#<tenantId>, gsi1sk <hour> |
 * | user report row | TENANT#<tenantId>  | REPORT#USERS#<hour>        | UserReportRow; gsi1pk REPORT#USERS#<tenantId>, gsi1sk <hour> |
 * | rollup tenant   | ROLLUP             | TENANT#<tenantId>          | tenantId, since (first seen), watermark (last hour rolled) |
 *
 * Rows are written with PutItem (a re-run overwrites with the same values)
 * and an hour whose figures are all zero DELETES its row, so re-running an
 * hour after late events or corrections always leaves what the CDRs say.
 * The ROLLUP partition is the list of tenants the schedule rolls up: one
 * small item per tenant, read with one Query instead of scanning the table.
 */
import { DeleteCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { cdrIndexPartition, type CdrRecord } from '../cdr/cdr-record.js';
import type { CallReportRow } from './call-report.js';
import type { UserReportRow } from './user-report.js';
import type { ItemKey } from '../store/keys.js';
import { queryAll } from '../../../contracts/store/query-all.js';

export type ReportKind = 'CALLS' | 'USERS';

export const reportKey = (tenantId: string, kind: ReportKind, hour: string): ItemKey => ({ pk: `TENANT#${tenantId}`, sk: `REPORT#${kind}#${hour}` });
export const reportIndexPartition = (tenantId: string, kind: ReportKind): string => `REPORT#${kind}#${tenantId}`;
export const rollupTenantKey = (tenantId: string): ItemKey => ({ pk: 'ROLLUP', sk: `TENANT#${tenantId}` });

export interface RollupTenant {
  tenantId: string;
  since?: string;
  watermark?: string;
}

export interface CdrPage {
  cdrs: CdrRecord[];
  /** Opaque; absent on the last page. */
  cursor?: string;
}

export class InvalidCursorError extends Error {
  override name = 'InvalidCursorError';
}

const STORAGE_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk'];

function withoutKeys<T>(item: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) if (!STORAGE_ATTRIBUTES.includes(k)) out[k] = v;
  return out as T;
}

function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The cursor must be one this tenant's query handed out: four string keys, the tenant's own index partition. */
function decodeCursor(cursor: string, tenantId: string): Record<string, string> {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('cursor: not a cursor of this API');
  }
  const k = key as Record<string, unknown>;
  const names = ['pk', 'sk', 'gsi1pk', 'gsi1sk'];
  if (typeof key !== 'object' || key === null || Object.keys(k).length !== 4 || !names.every((n) => typeof k[n] === 'string') || k.gsi1pk !== cdrIndexPartition(tenantId)) {
    throw new InvalidCursorError('cursor: not a cursor of this API');
  }
  return k as Record<string, string>;
}

export class ReportRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Writes the hour's row, or deletes it when the hour is empty (row undefined). */
  async saveReport(tenantId: string, kind: ReportKind, hour: string, row: CallReportRow | UserReportRow | undefined): Promise<void> {
    const key = reportKey(tenantId, kind, hour);
    if (row === undefined) {
      await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: key }));
      return;
    }
    await this.doc.send(
      new PutCommand({ TableName: this.tableName, Item: { ...key, ...row, gsi1pk: reportIndexPartition(tenantId, kind), gsi1sk: hour } }),
    );
  }

  /** Rows whose hour starts in [fromIso, toIso), oldest first. */
  async listReports<T extends CallReportRow | UserReportRow>(tenantId: string, kind: ReportKind, fromIso: string, toIso: string): Promise<T[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      IndexName: 'gsi1',
      // Hours are fixed-width ISO times: [from, to) is BETWEEN from AND (to − 1 ms).
      KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :last',
      ExpressionAttributeValues: { ':pk': reportIndexPartition(tenantId, kind), ':from': fromIso, ':last': new Date(Date.parse(toIso) - 1).toISOString() },
    });
    return items.map((item) => withoutKeys<T>(item));
  }

  /** One page of the CDRs that started in [fromIso, toIso), oldest first (gsi1, as CdrRepository.listCdrsByStartTime). */
  async listCdrPage(tenantId: string, fromIso: string, toIso: string, limit: number, cursor?: string): Promise<CdrPage> {
    const startKey = cursor !== undefined ? decodeCursor(cursor, tenantId) : undefined;
    const res = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi1',
        // "<startTime>#<callId>" BETWEEN from AND to is exactly [from, to): see CdrRepository.
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': cdrIndexPartition(tenantId), ':from': fromIso, ':to': toIso },
        Limit: limit,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    return {
      cdrs: (res.Items ?? []).map((item) => withoutKeys<CdrRecord>(item)),
      ...(res.LastEvaluatedKey ? { cursor: encodeCursor(res.LastEvaluatedKey) } : {}),
    };
  }

  /** Adds a tenant to the rollup list (idempotent: the first `since` stays). */
  async markTenant(tenantId: string, sinceIso: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: rollupTenantKey(tenantId),
        UpdateExpression: 'SET tenantId = :t, since = if_not_exists(since, :s)',
        ExpressionAttributeValues: { ':t': tenantId, ':s': sinceIso },
      }),
    );
  }

  async listRollupTenants(): Promise<RollupTenant[]> {
    const out: RollupTenant[] = [];
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'ROLLUP' },
      ConsistentRead: true,
    });
    for (const item of items) {
      if (typeof item.tenantId !== 'string') continue;
      out.push({
        tenantId: item.tenantId,
        ...(typeof item.since === 'string' ? { since: item.since } : {}),
        ...(typeof item.watermark === 'string' ? { watermark: item.watermark } : {}),
      });
    }
    return out;
  }

  /** Moves the watermark forward to `hour` (never back: two overlapping runs cannot undo each other). */
  async advanceWatermark(tenantId: string, hour: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: rollupTenantKey(tenantId),
          UpdateExpression: 'SET tenantId = :t, watermark = :h',
          ConditionExpression: 'attribute_not_exists(watermark) OR watermark < :h',
          ExpressionAttributeValues: { ':t': tenantId, ':h': hour },
        }),
      );
    } catch (err) {
      if (!(err instanceof Error && err.name === 'ConditionalCheckFailedException')) throw err;
    }
  }
}
