/**
 * A trunk's usage item is not on gsi1 (every take and release rewrites it;
 * on the index each write also rewrote its copy, leases and all): a small
 * index item, written once with the usage item, is what the reaper finds
 * through gsi1. A usage item of an earlier version, still on gsi1, still
 * has its dead leases reclaimed, and the reaper moves it off the index
 * without losing the trunk (dynalite).
 */
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { takeTrunkSlot, releaseTrunkSlot } from '../../functions/src/trunks/trunk-admission.js';
import { TRUNK_USAGE_PARTITION, trunkUsageIndexKey, trunkUsageKey, TrunkUsageRepository } from '../../functions/src/trunks/trunk-usage-repository.js';
import { startLocalDynamo, TEST_TABLE, type LocalDynamo } from './local-dynamo.js';
import { logStoreRequests } from './store-requests.js';

const NOW = 1_800_000_000_000;
const ALIVE = { id: 'edge-alive', bootId: 'a-1' };
const DEAD = { id: 'edge-dead', bootId: 'd-1' };
const liveness = { isAlive: (edgeId: string) => edgeId === ALIVE.id };

let db: LocalDynamo;

beforeAll(async () => {
  db = await startLocalDynamo();
});

afterAll(async () => {
  await db?.close();
});

const read = async (key: { pk: string; sk: string }) => (await db.doc.send(new GetCommand({ TableName: TEST_TABLE, Key: key, ConsistentRead: true }))).Item;
const onIndex = async () =>
  (
    await db.doc.send(
      new QueryCommand({ TableName: TEST_TABLE, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': TRUNK_USAGE_PARTITION } }),
    )
  ).Items ?? [];

describe('trunk usage and gsi1', () => {
  it('keeps the usage item off gsi1 and writes its index item once, with the first call', async () => {
    const usage = new TrunkUsageRepository(db.doc, TEST_TABLE);
    const log = logStoreRequests(db.doc);
    const trunk = { tenantId: 'acme', id: 'idx-carrier', maxOutgoingCalls: 5 };
    expect(await takeTrunkSlot(usage, trunk, 'out', 'i1', ALIVE, NOW)).toMatchObject({ ok: true });
    expect(log.to('TRUNKUSEINDEX#')).toEqual(['PutItem']);
    log.clear();
    expect(await takeTrunkSlot(usage, trunk, 'out', 'i2', ALIVE, NOW)).toMatchObject({ ok: true });
    expect(await releaseTrunkSlot(usage, trunk, 'i1', 'out')).toBe(true);
    // Later calls write the usage item only: one conditional write each way.
    expect(log.requests.map((r) => r.operation)).toEqual(['UpdateItem', 'UpdateItem']);
    expect(log.to('TRUNKUSEINDEX#')).toEqual([]);

    const item = await read(trunkUsageKey('acme', 'idx-carrier'));
    expect(item).toMatchObject({ totalCount: 1, calls: { i2: { dir: 'out' } } });
    expect(item).not.toHaveProperty('gsi1pk');
    const entries = (await onIndex()).filter((e) => e.trunkId === 'idx-carrier');
    expect(entries).toEqual([expect.objectContaining({ sk: 'TRUNKUSEINDEX#idx-carrier', tenantId: 'acme' })]);
    expect(entries[0]).not.toHaveProperty('calls');
  });

  it('reclaims through the index item the leases of a dead edge', async () => {
    const usage = new TrunkUsageRepository(db.doc, TEST_TABLE);
    const trunk = { tenantId: 'acme', id: 'reap-carrier', maxIncomingCalls: 5 };
    await takeTrunkSlot(usage, trunk, 'in', 'gone', DEAD, NOW);
    await takeTrunkSlot(usage, trunk, 'in', 'kept', ALIVE, NOW);
    expect(await usage.reclaimDeadLeases(NOW + 1, liveness)).toBe(1);
    expect(Object.keys(await usage.leases({ tenantId: 'acme', trunkId: 'reap-carrier' }))).toEqual(['kept']);
  });

  it('reclaims from a usage item of an earlier version on gsi1, then moves it off the index without losing the trunk', async () => {
    const usage = new TrunkUsageRepository(db.doc, TEST_TABLE);
    const ref = { tenantId: 'beta', trunkId: 'old-carrier' };
    // As the version before wrote it: gsi1 keys on the usage item, no index item.
    await db.doc.send(
      new PutCommand({
        TableName: TEST_TABLE,
        Item: {
          ...trunkUsageKey(ref.tenantId, ref.trunkId),
          gsi1pk: TRUNK_USAGE_PARTITION,
          gsi1sk: 'beta#old-carrier',
          tenantId: 'beta',
          trunkId: 'old-carrier',
          inCount: 0,
          outCount: 2,
          totalCount: 2,
          calls: { old1: { dir: 'out', edgeId: DEAD.id, bootId: DEAD.bootId, since: NOW - 5000 }, old2: { dir: 'out', edgeId: ALIVE.id, bootId: ALIVE.bootId, since: NOW - 5000 } },
        },
      }),
    );
    expect(await usage.reclaimDeadLeases(NOW, liveness)).toBe(1);
    expect(await usage.usage(ref)).toEqual({ in: 0, out: 1, total: 1 });
    expect(await read(trunkUsageKey(ref.tenantId, ref.trunkId))).not.toHaveProperty('gsi1pk');
    expect(await read(trunkUsageIndexKey(ref.tenantId, ref.trunkId))).toMatchObject({ gsi1pk: TRUNK_USAGE_PARTITION, trunkId: 'old-carrier' });
    // The trunk is still found: a later dead lease on it is reclaimed too.
    await takeTrunkSlot(usage, { tenantId: 'beta', id: 'old-carrier', maxOutgoingCalls: 5 }, 'out', 'old3', DEAD, NOW);
    expect(await usage.reclaimDeadLeases(NOW + 1, liveness)).toBe(1);
    expect(Object.keys(await usage.leases(ref))).toEqual(['old2']);
  });
});
