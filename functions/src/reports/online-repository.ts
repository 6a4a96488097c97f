/**
 * Online intervals: the registration history the local user report needs
 * (bindings only tell who is online NOW).
 *
 * | Item                  | pk                 | sk                  | attributes |
 * |-----------------------|--------------------|---------------------|------------|
 * | current interval      | TENANT#<tenantId>  | BINDINGS#<ext>      | the bindings item: ext, from, until; gsi1pk ONLINE#<tenantId>, gsi1sk <until> |
 * | finished interval     | TENANT#<tenantId>  | ONLINE#<ext>#<from> | ext, from, until; gsi1pk ONLINE#<tenantId>, gsi1sk <until> |
 *
 * A user is online while it has at least one live binding. The bindings
 * item carries the current (or last) interval, so a REGISTER refresh moves
 * its `until` in the one write it makes anyway (online-span.ts); when the
 * user comes back online after a gap, the finished interval is archived
 * first. Expiry needs no event: `until` already IS the expiry of the last
 * binding. (A binding dropped early by flow-closed ends the interval with it.)
 *
 * The rollup reads one hour with one Query on gsi1: intervals that END after
 * the hour starts (gsi1sk > start), filtered to those that BEGIN before it
 * ends — never the whole history. Both kinds of item answer it alike.
 */
import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OnlineSpan } from './online-span.js';
import type { OnlineInterval } from './user-report.js';
import type { AorRef, ItemKey } from '../store/keys.js';
import { rollupTenantKey } from './report-repository.js';
import { queryAll } from '../../../contracts/store/query-all.js';
import { ExpiringCache } from '../../../contracts/expiring-cache.js';
import { DEFAULT_DIRECTORY_CACHE_SECONDS } from '../../../contracts/settings/store-settings.js';

/** Tenants a warm container remembers having joined to the rollup (one entry per tenant). */
const MAX_JOINED_TENANTS = 10_000;

export const onlineKey = (tenantId: string, ext: string, fromIso: string): ItemKey => ({ pk: `TENANT#${tenantId}`, sk: `ONLINE#${ext}#${fromIso}` });
export const onlineIndexPartition = (tenantId: string): string => `ONLINE#${tenantId}`;

/** The attributes that put an interval in the rollup's index (gsi1, sorted by its end); the bindings item carries them too. */
export const onlineIndexed = (ext: string, span: OnlineSpan) => ({ ext, from: span.from, until: span.until, gsi1sk: span.until });

/** What the bindings repository needs to keep the history: finished intervals, and the tenants the rollup visits. */
export interface OnlineArchive {
  /** A finished interval of `aor`, kept as its own item (idempotent: keyed by its start). */
  archiveInterval(aor: AorRef, span: OnlineSpan): Promise<void>;
  /** The tenant joins the hourly rollup's list (the first time one of its users comes online; idempotent). */
  joinRollup(tenantId: string, sinceIso: string): Promise<void>;
}

export class OnlineRepository implements OnlineArchive {
  /**
   * Tenants this container joined to the rollup lately (issue 14: a write
   * the store already holds is not repeated for every user coming online).
   * Kept for the directory cache's bound (PBX_DIRECTORY_CACHE_SECONDS) and
   * dropped by directory.changed for the tenant where that event reaches:
   * a deleted tenant's ROLLUP item goes with it (directory-admin-repository.ts),
   * so a tenant created again under the same id is joined again within the bound.
   */
  private readonly joined: ExpiringCache<string, true>;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: { joinedTtlMs?: number; now?: () => number } = {},
  ) {
    this.joined = new ExpiringCache(options.joinedTtlMs ?? DEFAULT_DIRECTORY_CACHE_SECONDS * 1000, MAX_JOINED_TENANTS, options.now);
  }

  /** Forgets that `tenantId` (every tenant when absent) was joined: its next user online writes the ROLLUP item again. */
  forgetJoined(tenantId?: string): void {
    if (tenantId === undefined) this.joined.clear();
    else this.joined.delete(tenantId);
  }

  async archiveInterval(aor: AorRef, span: OnlineSpan): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...onlineKey(aor.tenantId, aor.ext, span.from), ...onlineIndexed(aor.ext, span), gsi1pk: onlineIndexPartition(aor.tenantId) } }));
  }

  async joinRollup(tenantId: string, sinceIso: string): Promise<void> {
    if (this.joined.lookup(tenantId)) return;
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: rollupTenantKey(tenantId),
        UpdateExpression: 'SET tenantId = :t, since = if_not_exists(since, :s)',
        ExpressionAttributeValues: { ':t': tenantId, ':s': sinceIso },
      }),
    );
    this.joined.set(tenantId, true);
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
