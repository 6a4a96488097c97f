/**
 * Per-user call slots against a real DynamoDB API (dynalite), counting the
 * requests each step sends (issue 14): a call between users without limits
 * touches no slot item; a limited user's take and release are one
 * conditional UpdateItem each, nothing read. Limits stay exact when takes
 * race through two clients (two edges' functions), slots of dead or
 * restarted edges are pruned when they fill a limit, a retried take and a
 * second release change nothing, and items and events of the earlier
 * version (one list per user; releases without a direction) still work.
 */
import type { Context } from 'aws-lambda';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EdgeIdentity, RoutedCall } from '../../contracts/function-events.js';
import { createDocumentClient } from '../../contracts/store/dynamo-client.js';
import { createAuthorizeCallHandler } from '../../functions/src/calls/authorize-call-handler.js';
import { createReleaseCallHandler } from '../../functions/src/calls/release-call-handler.js';
import { CallSlotRepository, callSlotsKey, type SlotOwner } from '../../functions/src/calls/call-slot-repository.js';
import { releaseCallSlot, takeCallSlot } from '../../functions/src/calls/call-slots.js';
import type { CallLimits, SlotDirection } from '../../functions/src/calls/call-slot-rules.js';
import { EdgeLiveness } from '../../functions/src/calls/edge-liveness.js';
import { createStores } from '../../functions/src/runtime/stores.js';
import { applySeed } from '../../functions/src/seed/apply-seed.js';
import { parseSeed } from '../../functions/src/seed/seed-schema.js';
import { binding, EDGE, NOW, REGISTRAR_SETTINGS } from '../unit/functions/fixtures.js';
import { authorizedCall } from './call-client.js';
import { CallAccounting, type CallPlan } from '../../edge/src/proxy/call-accounting.js';
import { InProcessInvoker } from '../../edge/src/invoker/in-process-invoker.js';
import { SlotAudit } from '../../edge/src/proxy/slot-audit.js';
import { ReleaseBatcher } from '../../edge/src/proxy/release-batcher.js';
import type { Invoker } from '../../edge/src/invoker/invoker.js';
import { createLogger } from '../../edge/src/logger.js';
import { InProcessBus } from '../../contracts/bus/in-process-bus.js';
import type { FunctionName } from '../../contracts/function-events.js';
import { startLocalDynamo, TEST_TABLE, type LocalDynamo } from './local-dynamo.js';
import { logStoreRequests, type StoreRequestLog } from './store-requests.js';

const CONTEXT = {} as Context;
const TENANT = 'slots';

const SEED = parseSeed({
  tenants: [
    {
      id: TENANT,
      domains: ['slots.test'],
      users: [
        { ext: '3001', password: 'pw-3001' },
        { ext: '3002', password: 'pw-3002' },
        { ext: '3003', password: 'pw-3003', maxCalls: 1 },
        { ext: '3004', password: 'pw-3004', maxCalls: 3 },
        { ext: '3005', password: 'pw-3005', maxOutgoingCalls: 2 },
      ],
    },
  ],
});

let db: LocalDynamo;
/** A client of its own (over HTTP), logged: the functions under test use it. */
let doc: DynamoDBDocumentClient;
let log: StoreRequestLog;
let repo: CallSlotRepository;
let clock = NOW;

beforeAll(async () => {
  db = await startLocalDynamo();
  await applySeed({ directory: db.stores.directory }, SEED);
  doc = createDocumentClient({ endpoint: db.endpoint, env: {} });
  log = logStoreRequests(doc);
  repo = new CallSlotRepository(doc, TEST_TABLE);
});
afterAll(async () => {
  doc?.destroy();
  await db?.close();
});
beforeEach(() => {
  clock += 3_600_000 * 2;
  log.clear();
});

let seq = 0;
const nextRef = (name = 'ref') => `${name}-${++seq}`;
const owner = (ext: string): SlotOwner => ({ tenantId: TENANT, ext });
const entry = (callRef: string, direction: SlotDirection, edge: EdgeIdentity = EDGE) => ({
  callId: `cid-${callRef}`,
  callRef,
  direction,
  edgeId: edge.id,
  bootId: edge.bootId,
  since: clock,
});
const everyoneAlive = async () => () => true;
const slotRequests = () => log.to('CALLS#');
const item = (ext: string) => repo.load(owner(ext));

describe('call slots through authorize-call and release-call: requests per call (issue 14)', () => {
  let authorize: ReturnType<typeof createAuthorizeCallHandler>;
  let release: ReturnType<typeof createReleaseCallHandler>;

  beforeAll(() => {
    const stores = createStores(doc, TEST_TABLE);
    authorize = createAuthorizeCallHandler({
      directory: stores.directory,
      bindings: stores.bindings,
      slots: stores.callSlots,
      edges: stores.edges,
      settings: REGISTRAR_SETTINGS,
      now: () => clock,
    });
    release = createReleaseCallHandler({ slots: stores.callSlots });
  });

  const online = async (ext: string) => {
    const { version } = await db.stores.bindings.loadBindings(owner(ext), clock);
    const b = binding({ key: `k-${ext}`, contact: `sip:${ext}@10.1.0.1:5060`, expiresAt: clock + 3_600_000, registeredAt: clock });
    expect(await db.stores.bindings.saveBindings(owner(ext), [b], version, clock)).toBe(true);
  };
  const call = async (from: string, to: string, callRef = nextRef()): Promise<RoutedCall> => {
    await online(to);
    log.clear();
    const r = await authorizedCall(authorize, { from, to, domain: 'slots.test', password: `pw-${from}`, callId: `cid-${callRef}`, callRef });
    if (r.decision !== 'route') throw new Error(`expected a route, got ${JSON.stringify(r)}`);
    return r.call;
  };
  const releaseOf = (c: RoutedCall) => release({ type: 'release-call', callId: c.callId, callRef: c.callRef, slots: c.slots }, CONTEXT);

  it('a call between users without limits takes no slot and leaves nothing to release', async () => {
    const c = await call('3001', '3002');
    expect(c.slots).toEqual([]);
    expect(c.trunkSlots).toBeUndefined();
    // No slot item read or written; the edge invokes no release-call for it (edge/src/proxy/call-accounting.ts).
    expect(slotRequests()).toEqual([]);
    expect(log.requests.map((r) => r.operation)).not.toContain('UpdateItem');
    expect((await db.doc.send(new GetCommand({ TableName: TEST_TABLE, Key: callSlotsKey(TENANT, '3001') }))).Item).toBeUndefined();
  });

  it('a limited caller and callee: one conditional UpdateItem each to take, one each to release, nothing read', async () => {
    const c = await call('3004', '3003');
    expect(c.slots).toEqual([
      { tenantId: TENANT, ext: '3004', direction: 'out' },
      { tenantId: TENANT, ext: '3003', direction: 'in' },
    ]);
    expect(slotRequests()).toEqual(['UpdateItem', 'UpdateItem']);
    expect((await item('3003')).counts).toEqual({ calls: 1, out: 0 });

    log.clear();
    expect(await releaseOf(c)).toEqual({ released: 2 });
    expect(slotRequests()).toEqual(['UpdateItem', 'UpdateItem']);
    expect(log.requests).toHaveLength(2);
    // Idempotent: the second release is refused by its condition and changes nothing.
    log.clear();
    expect(await releaseOf(c)).toEqual({ released: 0 });
    expect(slotRequests()).toEqual(['UpdateItem', 'UpdateItem']);
    expect(await item('3003')).toEqual({ entries: [], counts: { calls: 0, out: 0 } });
    expect(await item('3004')).toEqual({ entries: [], counts: { calls: 0, out: 0 } });
  });

  it('only the side with a limit takes a slot (maxOutgoingCalls does not count incoming calls)', async () => {
    const out = await call('3005', '3001');
    expect(out.slots).toEqual([{ tenantId: TENANT, ext: '3005', direction: 'out' }]);
    expect(slotRequests()).toEqual(['UpdateItem']);
    const into = await call('3001', '3005');
    expect(into.slots).toEqual([]);
    expect(slotRequests()).toEqual([]);
    await releaseOf(out);
  });

  it('a retried invoke for the same callRef keeps its one slot: the refused write is explained by one read', async () => {
    const callRef = nextRef();
    const first = await call('3003', '3001', callRef);
    const again = await call('3003', '3001', callRef);
    expect(again.slots).toEqual(first.slots);
    expect(slotRequests()).toEqual(['UpdateItem', 'GetItem']);
    expect((await item('3003')).counts).toEqual({ calls: 1, out: 1 });
    await releaseOf(first);
  });

  it('a user with a limit calling itself holds both directions and releases both', async () => {
    const c = await call('3004', '3004');
    expect(c.slots.map((s) => s.direction)).toEqual(['out', 'in']);
    expect((await item('3004')).counts).toEqual({ calls: 2, out: 1 });
    log.clear();
    expect(await releaseOf(c)).toEqual({ released: 2 });
    expect(slotRequests()).toEqual(['UpdateItem', 'UpdateItem']);
    expect((await item('3004')).counts).toEqual({ calls: 0, out: 0 });
  });

  it('releases a call whose event names no direction (an earlier edge) by reading the item once', async () => {
    const c = await call('3004', '3004');
    log.clear();
    const slots = [{ tenantId: TENANT, ext: '3004' }];
    expect(await release({ type: 'release-call', callId: c.callId, callRef: c.callRef, slots }, CONTEXT)).toEqual({ released: 2 });
    expect(slotRequests()).toEqual(['GetItem', 'UpdateItem', 'UpdateItem']);
    expect(await release({ type: 'release-call', callId: c.callId, callRef: c.callRef, slots }, CONTEXT)).toEqual({ released: 0 });
  });
});

describe('the edge releases what authorize-call took, and nothing when nothing was taken', () => {
  let invoked: FunctionName[];
  let landed: Promise<unknown>[];
  let ctx: ConstructorParameters<typeof CallAccounting>[0];

  beforeAll(() => {
    const releaseCall = createReleaseCallHandler({ slots: repo });
    const invoker = new InProcessInvoker({ 'release-call': releaseCall });
    // Every invoke the edge makes, through the real release-call handler.
    const counted: Invoker = {
      invoke: (name, event) => {
        invoked.push(name);
        const result = invoker.invoke(name, event);
        landed.push(result);
        return result;
      },
    };
    const logger = createLogger('silent');
    ctx = {
      identity: EDGE,
      invoker: counted,
      releases: new ReleaseBatcher(counted, logger),
      slotAudit: new SlotAudit(counted, EDGE, logger, { periodMs: 0, graceSeconds: 120 }),
      bus: new InProcessBus(),
      logger,
    };
  });
  beforeEach(() => {
    invoked = [];
    landed = [];
  });
  const take = (ext: string, callRef: string) => takeCallSlot(repo, owner(ext), entry(callRef, 'out'), { maxCalls: 3 }, everyoneAlive);
  /** The edge's release window (release-batcher.ts, 25 ms) has passed and its invoke was sent. */
  const releaseWindow = () => new Promise((r) => setTimeout(r, 60));

  const plan = (callRef: string, slots: CallPlan['slots']): CallPlan => ({
    tenantId: TENANT,
    callId: `cid-${callRef}`,
    callRef,
    direction: 'internal',
    caller: { ext: '3004' },
    callee: { ext: '3001' },
    slots,
  });

  it('a call that took no slot and no trunk slot ends without any invoke', () => {
    new CallAccounting(ctx, plan(nextRef(), [])).ended(200, 'answered', 'caller');
    expect(invoked).toEqual([]);
  });

  it('a call holding a slot ends with one release-call, which is one conditional UpdateItem', async () => {
    const callRef = nextRef();
    expect((await take('3004', callRef)).ok).toBe(true);
    log.clear();
    new CallAccounting(ctx, plan(callRef, [{ tenantId: TENANT, ext: '3004', direction: 'out' }])).ended(200, 'answered', 'caller');
    await releaseWindow();
    expect(invoked).toEqual(['release-call']);
    expect(await Promise.all(landed)).toEqual([{ released: 1 }]);
    expect(slotRequests()).toEqual(['UpdateItem']);
    expect((await item('3004')).counts).toEqual({ calls: 0, out: 0 });
  });

  it('calls that end within the same moment give their slots back with one release-call, one conditional write per slot', async () => {
    const refs = [nextRef(), nextRef(), nextRef()];
    for (const callRef of refs) expect((await take('3005', callRef)).ok).toBe(true);
    expect((await item('3005')).counts).toEqual({ calls: 3, out: 3 });
    log.clear();
    for (const callRef of refs) new CallAccounting(ctx, plan(callRef, [{ tenantId: TENANT, ext: '3005', direction: 'out' }])).ended(200, 'answered', 'caller');
    expect(invoked).toEqual([]);
    await releaseWindow();
    expect(invoked).toEqual(['release-call']);
    expect(await Promise.all(landed)).toEqual([{ released: 3 }]);
    expect(slotRequests()).toEqual(['UpdateItem', 'UpdateItem', 'UpdateItem']);
    expect((await item('3005')).counts).toEqual({ calls: 0, out: 0 });
    // The user is at none of its limit again: a new call takes a slot.
    expect((await take('3005', nextRef())).ok).toBe(true);
  });
});

describe('call slots: exact limits, dead holders, idempotence (repository)', () => {
  const take = (ext: string, callRef: string, direction: SlotDirection, limits: CallLimits, r: CallSlotRepository = repo, edge = EDGE) =>
    takeCallSlot(r, owner(ext), entry(callRef, direction, edge), limits, everyoneAlive);

  it('refuses a limit of 0 without any request', async () => {
    expect(await take('z0', nextRef(), 'out', { maxOutgoingCalls: 0 })).toEqual({ ok: false, limit: 'maxOutgoingCalls' });
    expect(await take('z0', nextRef(), 'in', { maxCalls: 0 })).toEqual({ ok: false, limit: 'maxCalls' });
    expect(log.requests).toEqual([]);
  });

  it('admits exactly maxCalls when 40 takes race through two clients', async () => {
    const doc2 = createDocumentClient({ endpoint: db.endpoint, env: {} });
    try {
      const repo2 = new CallSlotRepository(doc2, TEST_TABLE);
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => take('race', `race-${i}`, i % 3 ? 'in' : 'out', { maxCalls: 5 }, i % 2 ? repo2 : repo)),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(5);
      expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.limit === 'maxCalls')).toBe(true);
      const stored = await item('race');
      expect(stored.entries).toHaveLength(5);
      expect(stored.counts.calls).toBe(5);
    } finally {
      doc2.destroy();
    }
  });

  it('admits exactly maxOutgoingCalls of racing outgoing calls, while incoming ones still fit under maxCalls', async () => {
    const limits = { maxCalls: 6, maxOutgoingCalls: 2 };
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => take('race-out', `ro-${i}`, 'out', limits)));
    expect(results.filter((r) => r.ok)).toHaveLength(2);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.limit === 'maxOutgoingCalls')).toBe(true);
    expect((await take('race-out', nextRef(), 'in', limits)).ok).toBe(true);
    expect((await item('race-out')).counts).toEqual({ calls: 3, out: 2 });
  });

  it('prunes slots of dead and restarted edges that fill the limit (conditional removes), then takes; live holders keep theirs', async () => {
    const alive: EdgeIdentity = { id: 'edge-live', bootId: 'live-1' };
    const dead: EdgeIdentity = { id: 'edge-dead', bootId: 'dead-1' };
    const oldBoot: EdgeIdentity = { id: 'edge-live', bootId: 'live-0' };
    await db.stores.edges.recordHeartbeat({ edgeId: alive.id, bootId: alive.bootId, sipHost: '10.0.0.1', sipPort: 5060, ttlSeconds: 30 }, clock);
    const limits = { maxCalls: 3 };
    expect((await take('prune', 'p-live', 'in', limits, repo, alive)).ok).toBe(true);
    expect((await take('prune', 'p-dead', 'out', limits, repo, dead)).ok).toBe(true);
    expect((await take('prune', 'p-old', 'in', limits, repo, oldBoot)).ok).toBe(true);

    const liveness = async () => {
      const l = new EdgeLiveness(await db.stores.edges.listEdges(clock), clock, EDGE);
      return (e: { edgeId: string; bootId: string }) => l.isAlive(e.edgeId, e.bootId);
    };
    log.clear();
    expect(await takeCallSlot(repo, owner('prune'), entry('p-new', 'out'), limits, liveness)).toEqual({ ok: true });
    // Refused, read, two conditional removes, the take again.
    expect(slotRequests()).toEqual(['UpdateItem', 'GetItem', 'UpdateItem', 'UpdateItem', 'UpdateItem']);
    const stored = await item('prune');
    expect(stored.entries.map((e) => e.callRef).sort()).toEqual(['p-live', 'p-new']);
    expect(stored.counts).toEqual({ calls: 2, out: 1 });

    // Full of live holders: refused, nothing pruned.
    expect((await takeCallSlot(repo, owner('prune'), entry('p-3', 'in'), limits, liveness)).ok).toBe(true);
    expect(await takeCallSlot(repo, owner('prune'), entry('p-4', 'in'), limits, liveness)).toEqual({ ok: false, limit: 'maxCalls' });
    expect((await item('prune')).counts).toEqual({ calls: 3, out: 1 });
  });

  it('a prune names the holder: an entry that another edge holds now is not removed', async () => {
    const ref = nextRef();
    await take('holder', ref, 'out', { maxCalls: 1 });
    expect(await repo.remove(owner('holder'), { callRef: ref, direction: 'out' }, { edgeId: 'edge-other', bootId: 'x' })).toBe(false);
    expect(await repo.remove(owner('holder'), { callRef: ref, direction: 'out' }, { edgeId: EDGE.id, bootId: EDGE.bootId })).toBe(true);
    expect((await item('holder')).counts).toEqual({ calls: 0, out: 0 });
  });

  it('releases idempotently: one write each time, the counters never go below the calls held', async () => {
    const a = nextRef();
    const b = nextRef();
    await take('idem', a, 'out', { maxCalls: 2 });
    await take('idem', b, 'in', { maxCalls: 2 });
    log.clear();
    expect(await releaseCallSlot(repo, owner('idem'), a, 'out')).toBe(1);
    expect(await releaseCallSlot(repo, owner('idem'), a, 'out')).toBe(0);
    expect(await releaseCallSlot(repo, owner('idem'), 'never-taken', 'in')).toBe(0);
    expect(slotRequests()).toEqual(['UpdateItem', 'UpdateItem', 'UpdateItem']);
    expect((await item('idem')).counts).toEqual({ calls: 1, out: 0 });
    // A release of a user that never had an item creates none.
    expect(await releaseCallSlot(repo, owner('nobody'), a, 'out')).toBe(0);
    expect((await db.doc.send(new GetCommand({ TableName: TEST_TABLE, Key: callSlotsKey(TENANT, 'nobody') }))).Item).toBeUndefined();
  });
});

describe('call slots: items of the earlier version (one list, optimistic version)', () => {
  const legacyEntry = (callId: string, direction: SlotDirection, callRef?: string) => ({
    callId,
    ...(callRef ? { callRef } : {}),
    direction,
    edgeId: EDGE.id,
    bootId: EDGE.bootId,
    since: clock,
  });
  const putLegacy = (ext: string, calls: unknown[], version = 3) =>
    db.doc.send(new PutCommand({ TableName: TEST_TABLE, Item: { ...callSlotsKey(TENANT, ext), calls, version } }));

  it('migrates on the first take, counting the calls it holds against the limit', async () => {
    await putLegacy('legacy-1', [legacyEntry('old-a', 'out'), legacyEntry('old-b', 'in', 'ref-b')]);
    expect(await takeCallSlot(repo, owner('legacy-1'), entry('new-1', 'out'), { maxCalls: 2 }, everyoneAlive)).toEqual({ ok: false, limit: 'maxCalls' });
    const migrated = await item('legacy-1');
    expect(migrated.legacy).toBeUndefined();
    expect(migrated.counts).toEqual({ calls: 2, out: 1 });
    expect(migrated.entries.map((e) => e.callRef).sort()).toEqual(['old-a', 'ref-b']);

    // The old calls end through the old edge's release (no direction): then there is room.
    expect(await releaseCallSlot(repo, owner('legacy-1'), 'old-a')).toBe(1);
    expect(await takeCallSlot(repo, owner('legacy-1'), entry('new-1', 'out'), { maxCalls: 2 }, everyoneAlive)).toEqual({ ok: true });
    expect((await item('legacy-1')).counts).toEqual({ calls: 2, out: 1 });
  });

  it('a release without direction of a call in a legacy list migrates the item without it', async () => {
    await putLegacy('legacy-2', [legacyEntry('old-c', 'out', 'ref-c'), legacyEntry('old-d', 'in', 'ref-d')]);
    expect(await releaseCallSlot(repo, owner('legacy-2'), 'ref-c')).toBe(1);
    expect(await releaseCallSlot(repo, owner('legacy-2'), 'ref-c')).toBe(0);
    const after = await item('legacy-2');
    expect(after.legacy).toBeUndefined();
    expect(after.entries.map((e) => [e.callRef, e.direction])).toEqual([['ref-d', 'in']]);
    expect(after.counts).toEqual({ calls: 1, out: 0 });
  });
});
