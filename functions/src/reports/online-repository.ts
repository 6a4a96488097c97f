/**
 * Online intervals: the registration history the local user report needs
 * (bindings only tell who is online NOW).
 *
 * | Item            | pk                 | sk                          | attributes |
 * |-----------------|--------------------|-----------------------------|------------|
 * | online interval | TENANT#<tenantId>  | ONLINE#<ext>#<from>         | ext, from, until; gsi1pk ONLINE#<tenantId>, gsi1sk <until> |
 *
 * A user is online while it has at least one live binding. After each saved
 * REGISTER the register function calls recordOnline with the user's live
 * bindings: while the latest interval has not ended it is extended (or cut)
 * to the end of the last binding — `now` when none is left (unregistration);
 * otherwise a new interval starts now. Expiry needs no event: an interval's
 * `until` already IS the expiry of its last binding, and a refresh moves it.
 * (A binding dropped early by flow-closed keeps its interval until its
 * expiry: the report over-counts such a user by at most one registration
 * period.)
 *
 * The rollup reads one hour with one Query on gsi1: intervals that END after
 * the hour starts (gsi1sk > start), filtered to those that BEGIN before it
 * ends — never the whole history.
 */
import { PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Binding } from '../registration/binding.js';
import type { OnlineInterval } from './user-report.js';
import type { AorRef, ItemKey } from '../store/keys.js';
import { rollupTenantKey } from './report-repository.js';
import { queryAll } from '../../../contracts/store/query-all.js';

export const onlineKey = (tenantId: string, ext: string, fromIso: string): ItemKey => ({ pk: `TENANT#${tenantId}`, sk: `ONLINE#${ext}#${fromIso}` });
export const onlineIndexPartition = (tenantId: string): string => `ONLINE#${tenantId}`;

/** What register needs; tests may implement it in memory. */
export interface OnlineRecorder {
  /** `bindings` are the user's live bindings after the REGISTER was saved; `now` epoch ms. */
  recordOnline(aor: AorRef, bindings: readonly Binding[], now: number): Promise<void>;
}

export class OnlineRepository implements OnlineRecorder {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async recordOnline(aor: AorRef, bindings: readonly Binding[], now: number): Promise<void> {
    const until = new Date(bindings.length > 0 ? Math.max(...bindings.map((b) => b.expiresAt)) : now).toISOString();
    const latest = await this.latestInterval(aor);
    if (latest && Date.parse(latest.until) > now) {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: onlineKey(aor.tenantId, aor.ext, latest.from),
          UpdateExpression: 'SET #until = :u, gsi1sk = :u',
          ExpressionAttributeNames: { '#until': 'until' },
          ExpressionAttributeValues: { ':u': until },
        }),
      );
      return;
    }
    if (bindings.length === 0) return;
    const from = new Date(now).toISOString();
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...onlineKey(aor.tenantId, aor.ext, from), ext: aor.ext, from, until, gsi1pk: onlineIndexPartition(aor.tenantId), gsi1sk: until },
      }),
    );
    // The tenant joins the hourly rollup's list the first time one of its users comes online.
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: rollupTenantKey(aor.tenantId),
        UpdateExpression: 'SET tenantId = :t, since = if_not_exists(since, :s)',
        ExpressionAttributeValues: { ':t': aor.tenantId, ':s': from },
      }),
    );
  }

  private async latestInterval(aor: AorRef): Promise<OnlineInterval | undefined> {
    const res = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': `TENANT#${aor.tenantId}`, ':prefix': `ONLINE#${aor.ext}#` },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const item = res.Items?.[0];
    return item && typeof item.from === 'string' && typeof item.until === 'string' ? { ext: aor.ext, from: item.from, until: item.until } : undefined;
  }

  /** Intervals that overlap [fromIso, toIso). */
  async listOnlineIntervals(tenantId: string, fromIso: string, toIso: string): Promise<OnlineInterval[]> {
    const out: OnlineInterval[] = [];
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk > :from',
      FilterExpression: '#from < :to',
      ExpressionAttributeNames: { '#from': 'from' },
      ExpressionAttributeValues: { ':pk': onlineIndexPartition(tenantId), ':from': fromIso, ':to': toIso },
    });
    for (const item of items) {
      if (typeof item.ext === 'string' && typeof item.from === 'string' && typeof item.until === 'string') out.push({ ext: item.ext, from: item.from, until: item.until });
    }
    return out;
  }
}
