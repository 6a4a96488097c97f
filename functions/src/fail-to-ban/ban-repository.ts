/**
 * Bans and failure counters in the PBX table (DynamoDB adapter).
 *
 * | Item             | pk               | sk              | attributes |
 * |------------------|------------------|-----------------|------------|
 * | ban              | BANS             | BAN#<address>   | address, since, until, reason, failures, tenantId?, username?, ttl |
 * | failure counter  | F2B#<address>    | FAILURES        | times (epoch ms list), ttl |
 *
 * All bans share one partition so an edge refreshes its whole ban cache with
 * one Query (a handful of items: an address is only in it while banned, and
 * TTL reaps the expired ones). A failure counter is one item per address:
 * each failure is one atomic append (list_append, no read first), so a
 * burst of guesses from one cracker neither races nor retries, and the
 * caller sees every failure stored so far in the reply; the list is trimmed
 * now and then with a conditional write (no transactions: the embedded
 * emulator has none). Expiry is always compared on read; TTL is only the
 * garbage collector.
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isActive, type Ban } from '../../../contracts/fail-to-ban/ban.js';
import { BANS_PK, banFromItem, banKey } from '../../../contracts/fail-to-ban/ban-items.js';
import { queryAll } from '../../../contracts/store/query-all.js';

const failuresKey = (address: string) => ({ pk: `F2B#${address}`, sk: 'FAILURES' });

/** Epoch seconds for DynamoDB TTL; a day of grace so an admin still sees a ban that just ended. */
const ttlAfter = (epochMs: number): number => Math.ceil(epochMs / 1000) + 86_400;


/** What fail-to-ban, the admin functions and the edge's ban cache need; tests may implement it in memory. */
export interface BanStore {
  /** Bans, oldest first; only active ones unless includeExpired. */
  listBans(now: number, options?: { includeExpired?: boolean }): Promise<Ban[]>;
  getBan(address: string): Promise<Ban | undefined>;
  /** Writes the ban unless an active one exists; true when this call created it (so exactly one caller announces it). */
  addBan(ban: Ban, now: number): Promise<boolean>;
  /** Removes the ban item; returns what it held. */
  deleteBan(address: string): Promise<Ban | undefined>;
  /** Appends one failure time atomically; returns every failure time stored for the address (this one included). */
  appendFailure(address: string, at: number, ttlEpochMs: number): Promise<number[]>;
  /** Replaces the stored times with `keep` iff the list still has `expectedLength` entries (else someone appended: skip). */
  trimFailures(address: string, keep: number[], expectedLength: number): Promise<void>;
  clearFailures(address: string): Promise<void>;
}

const isConditionalCheckFailed = (err: unknown): boolean => err instanceof Error && err.name === 'ConditionalCheckFailedException';

export class BanRepository implements BanStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async listBans(now: number, options: { includeExpired?: boolean } = {}): Promise<Ban[]> {
    const bans: Ban[] = [];
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': BANS_PK },
      ConsistentRead: true,
    });
    for (const item of items) {
      const ban = banFromItem(item);
      if (ban && (options.includeExpired || isActive(ban, now))) bans.push(ban);
    }
    return bans.sort((a, b) => a.since - b.since);
  }

  async getBan(address: string): Promise<Ban | undefined> {
    const res = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: banKey(address), ConsistentRead: true }));
    return res.Item ? banFromItem(res.Item) : undefined;
  }

  async addBan(ban: Ban, now: number): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...banKey(ban.address), ...ban, ttl: ttlAfter(ban.until) },
          // An expired ban item may still be there (TTL is lazy): it may be replaced.
          ConditionExpression: 'attribute_not_exists(pk) OR #until <= :now',
          ExpressionAttributeNames: { '#until': 'until' },
          ExpressionAttributeValues: { ':now': now },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw err;
    }
  }

  async deleteBan(address: string): Promise<Ban | undefined> {
    const res = await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: banKey(address), ReturnValues: 'ALL_OLD' }));
    return res.Attributes ? banFromItem(res.Attributes) : undefined;
  }

  async appendFailure(address: string, at: number, ttlEpochMs: number): Promise<number[]> {
    const res = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: failuresKey(address),
        UpdateExpression: 'SET #times = list_append(if_not_exists(#times, :empty), :at), #ttl = :ttl',
        ExpressionAttributeNames: { '#times': 'times', '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':empty': [], ':at': [at], ':ttl': Math.ceil(ttlEpochMs / 1000) },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const times = res.Attributes?.times;
    return Array.isArray(times) ? times.filter((t): t is number => typeof t === 'number') : [at];
  }

  async trimFailures(address: string, keep: number[], expectedLength: number): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: failuresKey(address),
          UpdateExpression: 'SET #times = :keep',
          ConditionExpression: 'size(#times) = :length',
          ExpressionAttributeNames: { '#times': 'times' },
          ExpressionAttributeValues: { ':keep': keep, ':length': expectedLength },
        }),
      );
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw err;
    }
  }

  async clearFailures(address: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: failuresKey(address) }));
  }
}
