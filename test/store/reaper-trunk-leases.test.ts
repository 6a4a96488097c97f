/**
 * The scheduled reaper, with its dependencies built from the environment as
 * on Lambda, gives back the trunk slots held by an edge whose heartbeat
 * expired, and leaves those of a live edge alone (dynalite).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reaperDeps } from '../../functions/src/edges/reaper-handler.js';
import { runtimeFromEnv } from '../../functions/src/runtime/functions-runtime.js';
import { reap } from '../../functions/src/edges/reaper.js';
import { takeTrunkSlot } from '../../functions/src/trunks/trunk-admission.js';
import { startLocalDynamo, TEST_TABLE, type LocalDynamo } from './local-dynamo.js';

const HEARTBEAT_TTL_SECONDS = 30;

let db: LocalDynamo;

beforeAll(async () => {
  db = await startLocalDynamo();
});

afterAll(async () => {
  await db?.close();
});

describe('reaper and trunk slots (dynalite)', () => {
  it('releases the trunk slot of an edge whose heartbeat expired and keeps the one of a live edge', async () => {
    const { edges, trunkUsage } = db.stores;
    // The reaper reads the real clock: the dead edge's last heartbeat lies two minutes back.
    const longAgo = Date.now() - 120_000;
    const dead = { id: 'edge-gone', bootId: 'g-1' };
    const live = { id: 'edge-here', bootId: 'h-1' };
    await edges.recordHeartbeat({ edgeId: dead.id, bootId: dead.bootId, sipHost: '10.0.0.1', sipPort: 5060, ttlSeconds: HEARTBEAT_TTL_SECONDS }, longAgo);
    await edges.recordHeartbeat({ edgeId: live.id, bootId: live.bootId, sipHost: '10.0.0.2', sipPort: 5060, ttlSeconds: 3600 }, longAgo);
    const trunk = { tenantId: 'acme', id: 'reaped-carrier', maxOutgoingCalls: 2 };
    expect(await takeTrunkSlot(trunkUsage, trunk, 'out', 'dead-call', dead, longAgo + 1_000)).toMatchObject({ ok: true });
    expect(await takeTrunkSlot(trunkUsage, trunk, 'out', 'live-call', live, longAgo + 1_000)).toMatchObject({ ok: true });

    const deps = reaperDeps(runtimeFromEnv({ PBX_TABLE_NAME: TEST_TABLE, PBX_DYNAMODB_ENDPOINT: db.endpoint, AWS_REGION: 'eu-west-1' }));
    expect(deps.trunkUsage).toBeDefined();
    expect(await reap(deps)).toMatchObject({ deadEdges: 1, reclaimedTrunkSlots: 1 });

    const ref = { tenantId: 'acme', trunkId: 'reaped-carrier' };
    expect(Object.keys(await trunkUsage.leases(ref))).toEqual(['live-call']);
    expect(await trunkUsage.usage(ref)).toEqual({ in: 0, out: 1, total: 1 });
    // Nothing left to reclaim on the next run.
    expect(await reap(deps)).toMatchObject({ reclaimedTrunkSlots: 0 });
  });
});
