/**
 * The trunk-lease function against dynalite: exactly one edge holds a line's
 * lease, decided by one conditional PutItem — the first edge wins, another
 * is refused until the lease expires, the holder renews it, and a release
 * lets the other edge take it at once.
 */
import type { Context } from 'aws-lambda';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrunkLeaseEvent } from '../../contracts/function-events.js';
import { createTrunkLeaseHandler } from '../../functions/src/trunks/trunk-lease-handler.js';
import { trunkLeaseItemKey } from '../../functions/src/trunks/trunk-lease-repository.js';
import { startLocalDynamo, TEST_TABLE, type LocalDynamo } from './local-dynamo.js';

const CONTEXT = {} as Context;
const TTL_MS = 90_000;

let db: LocalDynamo;
let clock = Date.UTC(2026, 0, 5, 10, 0, 0);
let lease: ReturnType<typeof createTrunkLeaseHandler>;

beforeAll(async () => {
  db = await startLocalDynamo();
  lease = createTrunkLeaseHandler({ leases: db.stores.trunkLeases, now: () => clock });
});

afterAll(async () => {
  await db?.close();
});

const acquire = (trunkKey: string, edgeId: string): Promise<{ held: boolean }> =>
  lease({ type: 'trunk-lease', op: 'acquire', trunkKey, edgeId, ttlMs: TTL_MS }, CONTEXT);
const giveUp = (trunkKey: string, edgeId: string): Promise<{ held: boolean }> => lease({ type: 'trunk-lease', op: 'release', trunkKey, edgeId }, CONTEXT);

describe('trunk-lease (dynalite)', () => {
  it('lets the first edge take a line and refuses a second one until the lease expires', async () => {
    const key = 'acme#line-expire';
    expect(await acquire(key, 'edge-a')).toEqual({ held: true });
    expect(await acquire(key, 'edge-b')).toEqual({ held: false });
    clock += TTL_MS; // expiresAt == now: still held
    expect(await acquire(key, 'edge-b')).toEqual({ held: false });
    clock += 1;
    expect(await acquire(key, 'edge-b')).toEqual({ held: true });
    expect(await acquire(key, 'edge-a')).toEqual({ held: false });
  });

  it('stores expiry in epoch ms and a DynamoDB TTL in epoch seconds', async () => {
    await acquire('acme#line-item', 'edge-a');
    const item = (await db.doc.send(new GetCommand({ TableName: TEST_TABLE, Key: trunkLeaseItemKey('acme#line-item') }))).Item;
    expect(item).toEqual({ pk: 'TRUNKLEASE#acme#line-item', sk: 'LEASE', edgeId: 'edge-a', expiresAt: clock + TTL_MS, ttl: Math.ceil((clock + TTL_MS) / 1000) });
  });

  it('lets the holder renew its lease, which keeps the other edge out past the first expiry', async () => {
    const key = 'acme#line-renew';
    expect(await acquire(key, 'edge-a')).toEqual({ held: true });
    clock += TTL_MS - 1_000;
    expect(await acquire(key, 'edge-a')).toEqual({ held: true });
    clock += 2_000; // past the first lease's end, within the renewed one
    expect(await acquire(key, 'edge-b')).toEqual({ held: false });
  });

  it('lets the other edge take the line at once after the holder releases it; a release by a non-holder changes nothing', async () => {
    const key = 'acme#line-release';
    expect(await acquire(key, 'edge-a')).toEqual({ held: true });
    expect(await giveUp(key, 'edge-b')).toEqual({ held: false });
    expect(await acquire(key, 'edge-b')).toEqual({ held: false });
    expect(await giveUp(key, 'edge-a')).toEqual({ held: false });
    expect(await acquire(key, 'edge-b')).toEqual({ held: true });
    expect(await giveUp('acme#never-leased', 'edge-a')).toEqual({ held: false });
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['acquire without ttlMs', { op: 'acquire', trunkKey: 'acme#l', edgeId: 'e' }, /ttlMs/],
    ['acquire with ttlMs 0', { op: 'acquire', trunkKey: 'acme#l', edgeId: 'e', ttlMs: 0 }, /ttlMs/],
    ['a trunk key without tenant', { op: 'release', trunkKey: 'line', edgeId: 'e' }, /trunkKey/],
    ['an unknown op', { op: 'steal', trunkKey: 'acme#l', edgeId: 'e' }, /op/],
  ])('refuses %s as an invalid event', async (_what, fields, problem) => {
    await expect(lease({ type: 'trunk-lease', ...fields } as unknown as TrunkLeaseEvent, CONTEXT)).rejects.toThrow(problem);
  });
});
