/**
 * Trunk admission against a real DynamoDB API (dynalite): per-trunk limits
 * held exactly by single-item conditional updates, even when many takes race
 * through separate clients, and slots of dead edges given back by the reaper.
 */
import { DeleteCommand, GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EdgeIdentity } from '../../contracts/function-events.js';
import { reap } from '../../functions/src/edges/reaper.js';
import { createDocumentClient } from '../../contracts/store/dynamo-client.js';
import { TrunkUsageRepository, trunkUsageKey } from '../../functions/src/trunks/trunk-usage-repository.js';
import { releaseTrunkSlot, takeFirstTrunk, takeTrunkSlot, trunkLimitReply } from '../../functions/src/trunks/trunk-admission.js';
import type { Trunk } from '../../contracts/trunk.js';
import { startLocalDynamo, TEST_TABLE, type LocalDynamo } from './local-dynamo.js';
import { logStoreRequests } from './store-requests.js';

const EDGE: EdgeIdentity = { id: 'edge-a', bootId: 'a-1' };
const NOW = Date.UTC(2026, 0, 5, 10, 0, 0);

type Limits = Pick<Trunk, 'maxIncomingCalls' | 'maxOutgoingCalls' | 'maxTotalCalls'>;
let trunkSeq = 0;
/** A trunk of its own per test, so tests never share counters. */
const trunk = (limits: Limits = {}) => ({ tenantId: 'acme', id: `carrier-${++trunkSeq}`, ...limits });

describe('trunk admission with DynamoDB conditional counters (dynalite)', () => {
  let db: LocalDynamo;
  let repo: TrunkUsageRepository;

  beforeAll(async () => {
    db = await startLocalDynamo();
    repo = new TrunkUsageRepository(db.doc, TEST_TABLE);
  });
  afterAll(async () => {
    await db?.close();
  });

  const take = (t: ReturnType<typeof trunk>, direction: 'in' | 'out', callId: string, edge = EDGE) => takeTrunkSlot(repo, t, direction, callId, edge, NOW);
  const usage = (t: ReturnType<typeof trunk>) => repo.usage({ tenantId: t.tenantId, trunkId: t.id });

  it('admits maxOutgoingCalls calls and refuses the next one, naming the limit', async () => {
    const t = trunk({ maxOutgoingCalls: 2 });
    expect(await take(t, 'out', 'c1')).toMatchObject({ ok: true, alreadyHeld: false });
    expect(await take(t, 'out', 'c2')).toMatchObject({ ok: true });
    expect(await take(t, 'out', 'c3')).toMatchObject({ ok: false, limit: 'maxOutgoingCalls', trunkId: t.id });
    expect(await usage(t)).toEqual({ in: 0, out: 2, total: 2 });
    expect(Object.keys(await repo.leases({ tenantId: 'acme', trunkId: t.id })).sort()).toEqual(['c1', 'c2']);
  });

  it('admits a call again once a slot is released', async () => {
    const t = trunk({ maxOutgoingCalls: 2 });
    await take(t, 'out', 'c1');
    await take(t, 'out', 'c2');
    expect(await releaseTrunkSlot(repo, t, 'c1', 'out')).toBe(true);
    expect(await take(t, 'out', 'c3')).toMatchObject({ ok: true });
    expect(await usage(t)).toEqual({ in: 0, out: 2, total: 2 });
  });

  it('treats a second release of the same call as harmless (counters never go below the calls held)', async () => {
    const t = trunk({ maxOutgoingCalls: 2 });
    await take(t, 'out', 'c1');
    await take(t, 'out', 'c2');
    expect(await releaseTrunkSlot(repo, t, 'c1', 'out')).toBe(true);
    expect(await releaseTrunkSlot(repo, t, 'c1', 'out')).toBe(false);
    expect(await releaseTrunkSlot(repo, t, 'never-taken', 'out')).toBe(false);
    expect(await usage(t)).toEqual({ in: 0, out: 1, total: 1 });
  });

  it('takes a slot once per call: a retransmitted INVITE is already admitted and counts once', async () => {
    const t = trunk({ maxOutgoingCalls: 1 });
    expect(await take(t, 'out', 'c1')).toMatchObject({ ok: true, alreadyHeld: false });
    expect(await take(t, 'out', 'c1')).toMatchObject({ ok: true, alreadyHeld: true });
    expect(await usage(t)).toEqual({ in: 0, out: 1, total: 1 });
  });

  it('refuses a disabled direction (limit 0) without writing anything', async () => {
    const t = trunk({ maxOutgoingCalls: 0 });
    expect(await take(t, 'out', 'c1')).toMatchObject({ ok: false, limit: 'maxOutgoingCalls' });
    const stored = await db.doc.send(new GetCommand({ TableName: TEST_TABLE, Key: trunkUsageKey('acme', t.id) }));
    expect(stored.Item).toBeUndefined();
    expect(trunkLimitReply('out', [t])).toMatchObject({ status: 403 });
  });

  it('admits any number of calls when no limit is set', async () => {
    const t = trunk();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => take(t, i % 2 ? 'in' : 'out', `u${i}`)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(await usage(t)).toEqual({ in: 10, out: 10, total: 20 });
  });

  it('counts incoming and outgoing calls independently', async () => {
    const t = trunk({ maxIncomingCalls: 1, maxOutgoingCalls: 1 });
    expect(await take(t, 'out', 'o1')).toMatchObject({ ok: true });
    expect(await take(t, 'in', 'i1')).toMatchObject({ ok: true });
    expect(await take(t, 'out', 'o2')).toMatchObject({ ok: false, limit: 'maxOutgoingCalls' });
    expect(await take(t, 'in', 'i2')).toMatchObject({ ok: false, limit: 'maxIncomingCalls' });
    expect(trunkLimitReply('in', [t])).toMatchObject({ status: 486 });
    expect(await usage(t)).toEqual({ in: 1, out: 1, total: 2 });
  });

  it('holds maxTotalCalls across both directions', async () => {
    const t = trunk({ maxTotalCalls: 2 });
    expect(await take(t, 'in', 'i1')).toMatchObject({ ok: true });
    expect(await take(t, 'out', 'o1')).toMatchObject({ ok: true });
    expect(await take(t, 'in', 'i2')).toMatchObject({ ok: false, limit: 'maxTotalCalls' });
    expect(await take(t, 'out', 'o2')).toMatchObject({ ok: false, limit: 'maxTotalCalls' });
    await releaseTrunkSlot(repo, t, 'i1', 'in');
    expect(await take(t, 'out', 'o2')).toMatchObject({ ok: true });
    expect(await usage(t)).toEqual({ in: 0, out: 2, total: 2 });
  });

  it('fails over to the next trunk in order when the first is full, and answers 503 when all are', async () => {
    const first = trunk({ maxOutgoingCalls: 1 });
    const second = trunk({ maxOutgoingCalls: 1 });
    expect((await takeFirstTrunk(repo, [first, second], 'f1', EDGE, NOW)).trunk?.id).toBe(first.id);
    const failover = await takeFirstTrunk(repo, [first, second], 'f2', EDGE, NOW);
    expect(failover.trunk?.id).toBe(second.id);
    expect(failover.refused.map((r) => r.trunkId)).toEqual([first.id]);
    const none = await takeFirstTrunk(repo, [first, second], 'f3', EDGE, NOW);
    expect(none.trunk).toBeUndefined();
    expect(trunkLimitReply('out', [first, second])).toMatchObject({ status: 503 });
  });

  it('recreates the usage item when it was deleted behind the back of a warm instance', async () => {
    const t = trunk({ maxOutgoingCalls: 1 });
    await take(t, 'out', 'c1');
    await db.doc.send(new DeleteCommand({ TableName: TEST_TABLE, Key: trunkUsageKey('acme', t.id) }));
    expect(await take(t, 'out', 'c2')).toMatchObject({ ok: true });
    expect(await usage(t)).toEqual({ in: 0, out: 1, total: 1 });
  });

  it('takes and releases with one conditional UpdateItem each (issue 14); only the trunk\'s first call creates its item', async () => {
    const doc2: DynamoDBDocumentClient = createDocumentClient({ endpoint: db.endpoint, env: {} });
    try {
      const log = logStoreRequests(doc2);
      const counted = new TrunkUsageRepository(doc2, TEST_TABLE);
      const t = trunk({ maxOutgoingCalls: 2, maxTotalCalls: 3 });
      // First call ever on the trunk: the nested SET finds no item, which is created once.
      expect(await takeTrunkSlot(counted, t, 'out', 'n1', EDGE, NOW)).toMatchObject({ ok: true });
      expect(log.to('TRUNKUSE#')).toEqual(['UpdateItem', 'PutItem', 'UpdateItem']);
      log.clear();
      // Every later call, from any (cold) instance: one write to take, one to release.
      const cold = new TrunkUsageRepository(doc2, TEST_TABLE);
      expect(await takeTrunkSlot(cold, t, 'in', 'n2', EDGE, NOW)).toMatchObject({ ok: true });
      expect(await releaseTrunkSlot(cold, t, 'n2', 'in')).toBe(true);
      expect(await releaseTrunkSlot(counted, t, 'n1', 'out')).toBe(true);
      expect(log.to('TRUNKUSE#')).toEqual(['UpdateItem', 'UpdateItem', 'UpdateItem']);
      expect(log.requests).toHaveLength(3);
      expect(await usage(t)).toEqual({ in: 0, out: 0, total: 0 });
      // A second release: its write is refused, one read confirms nothing is held in the other direction either.
      log.clear();
      expect(await releaseTrunkSlot(counted, t, 'n1', 'out')).toBe(false);
      expect(log.to('TRUNKUSE#')).toEqual(['UpdateItem', 'GetItem']);
    } finally {
      doc2.destroy();
    }
  });

  it('releases a slot the edge listed with the other direction, and one without direction (an earlier event)', async () => {
    const t = trunk({ maxIncomingCalls: 1 });
    await take(t, 'in', 'w1');
    expect(await releaseTrunkSlot(repo, t, 'w1', 'out')).toBe(true);
    await take(t, 'in', 'w2');
    expect(await repo.release({ tenantId: t.tenantId, trunkId: t.id }, 'w2')).toBe(true);
    expect(await usage(t)).toEqual({ in: 0, out: 0, total: 0 });
  });

  it('a release after the usage item was deleted (trunk deleted mid-call) is a harmless no-op', async () => {
    const t = trunk({ maxOutgoingCalls: 1 });
    await take(t, 'out', 'gone-1');
    await db.doc.send(new DeleteCommand({ TableName: TEST_TABLE, Key: trunkUsageKey('acme', t.id) }));
    expect(await releaseTrunkSlot(repo, t, 'gone-1', 'out')).toBe(false);
    expect((await db.doc.send(new GetCommand({ TableName: TEST_TABLE, Key: trunkUsageKey('acme', t.id) }))).Item).toBeUndefined();
  });

  it('admits exactly the limit when 50 takes race through two separate clients', async () => {
    const doc2: DynamoDBDocumentClient = createDocumentClient({ endpoint: db.endpoint, env: {} });
    try {
      const repo2 = new TrunkUsageRepository(doc2, TEST_TABLE);
      const t = trunk({ maxOutgoingCalls: 7 });
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => takeTrunkSlot(i % 2 ? repo2 : repo, t, 'out', `race-${i}`, EDGE, NOW)),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(7);
      expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.limit === 'maxOutgoingCalls')).toBe(true);
      expect(await usage(t)).toEqual({ in: 0, out: 7, total: 7 });
      expect(Object.keys(await repo.leases({ tenantId: 'acme', trunkId: t.id }))).toHaveLength(7);
    } finally {
      doc2.destroy();
    }
  });
});

describe('the reaper gives back trunk slots of dead edges (dynalite)', () => {
  let db: LocalDynamo;
  let repo: TrunkUsageRepository;
  const TTL_SECONDS = 30;

  beforeAll(async () => {
    db = await startLocalDynamo();
    repo = new TrunkUsageRepository(db.doc, TEST_TABLE);
  });
  afterAll(async () => {
    await db?.close();
  });

  const beat = (edge: EdgeIdentity, at: number) =>
    db.stores.edges.recordHeartbeat({ edgeId: edge.id, bootId: edge.bootId, sipHost: '10.0.0.1', sipPort: 5060, ttlSeconds: TTL_SECONDS }, at);

  it('releases leases of an edge whose heartbeat expired and of an earlier boot, keeps the live ones', async () => {
    const alive = { id: 'edge-alive', bootId: 'live-1' };
    const dying = { id: 'edge-dying', bootId: 'dying-1' };
    const restarted = { id: 'edge-restart', bootId: 'old-boot' };
    let clock = NOW;
    for (const edge of [alive, dying, restarted]) await beat(edge, clock);
    const t = trunk({ maxOutgoingCalls: 3, maxIncomingCalls: 3 });
    const ref = { tenantId: t.tenantId, trunkId: t.id };
    await takeTrunkSlot(repo, t, 'out', 'live-call', alive, clock);
    await takeTrunkSlot(repo, t, 'out', 'lost-call', dying, clock);
    await takeTrunkSlot(repo, t, 'in', 'lost-in-call', dying, clock);
    await takeTrunkSlot(repo, t, 'in', 'old-boot-call', restarted, clock);
    const deps = { edges: db.stores.edges, cdrs: db.stores.cdrs, slots: db.stores.callSlots, trunkUsage: repo, now: () => clock };

    // Within every lease: nothing is reclaimed.
    clock += (TTL_SECONDS - 1) * 1000;
    expect(await reap(deps)).toMatchObject({ reclaimedTrunkSlots: 0 });

    // edge-dying stops beating; edge-restart comes back with a new boot.
    clock += 2_000;
    await beat(alive, clock);
    await beat({ id: restarted.id, bootId: 'new-boot' }, clock);
    expect(await reap(deps)).toMatchObject({ reclaimedTrunkSlots: 3 });
    expect(Object.keys(await repo.leases(ref))).toEqual(['live-call']);
    expect(await repo.usage(ref)).toEqual({ in: 0, out: 1, total: 1 });

    // The live edge releases its call normally afterwards; the next run finds nothing.
    expect(await releaseTrunkSlot(repo, t, 'live-call', 'out')).toBe(true);
    expect(await reap(deps)).toMatchObject({ reclaimedTrunkSlots: 0 });
    expect(await repo.usage(ref)).toEqual({ in: 0, out: 0, total: 0 });
  });

  it('audit: gives back the leases a live edge no longer carries, taken before the grace, and nothing of its held calls or of others', async () => {
    // An edge of its own: the other tests' leases are EDGE's.
    const auditor: EdgeIdentity = { id: 'edge-audit', bootId: 'audit-1' };
    const t = trunk({ maxIncomingCalls: 5 });
    const ref = { tenantId: 'acme', trunkId: t.id };
    const GRACE_MS = 120_000;
    const early = NOW - 10 * 60_000;
    await takeTrunkSlot(repo, t, 'in', 'carried', auditor, early);
    await takeTrunkSlot(repo, t, 'in', 'lost-end', auditor, early);
    // Taken within the grace: its call may not have reached the edge yet.
    await takeTrunkSlot(repo, t, 'in', 'just-taken', auditor, NOW - 1_000);
    // Another boot's and another edge's leases are the reaper's, never this audit's.
    await takeTrunkSlot(repo, t, 'in', 'old-boot', { id: auditor.id, bootId: 'audit-0' }, early);
    await takeTrunkSlot(repo, t, 'in', 'other-edge', { id: 'edge-z', bootId: 'z-1' }, early);

    expect(await repo.releaseUnheld(auditor, new Set(['carried']), NOW - GRACE_MS)).toBe(1);
    expect(Object.keys(await repo.leases(ref)).sort()).toEqual(['carried', 'just-taken', 'old-boot', 'other-edge']);
    expect(await repo.usage(ref)).toEqual({ in: 4, out: 0, total: 4 });
    // Once its call ended and the edge stopped naming it, the held lease goes too (a lost release); the fresh one stays.
    expect(await repo.releaseUnheld(auditor, new Set(), NOW - GRACE_MS)).toBe(1);
    expect(Object.keys(await repo.leases(ref)).sort()).toEqual(['just-taken', 'old-boot', 'other-edge']);
    expect(await repo.usage(ref)).toEqual({ in: 3, out: 0, total: 3 });
  });
});
