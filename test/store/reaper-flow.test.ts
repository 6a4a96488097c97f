/**
 * The reaper against a real DynamoDB API (dynalite): calls of an edge that
 * died (or restarted) get a closed CDR marked as a timeout, and their slots
 * come back.
 */
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuthorizeCallResult, EdgeIdentity } from '../../contracts/function-events.js';
import { createAuthorizeCallHandler } from '../../functions/src/calls/authorize-call-handler.js';
import { callEvent } from '../../contracts/bus/call-events.js';
import { createCdrHandler } from '../../functions/src/cdr/cdr-handler.js';
import { createEdgeHeartbeatHandler } from '../../functions/src/edges/edge-heartbeat-handler.js';
import { createReaperHandler } from '../../functions/src/edges/reaper-handler.js';
import { DEAD_EDGE_RETENTION_MS, REAPER_PERIOD_SECONDS } from '../../functions/src/edges/reaper.js';
import { binding, NOW, REGISTRAR_SETTINGS } from '../unit/functions/fixtures.js';
import { authorizedCall } from './call-client.js';
import { PASSWORDS, startLocalDynamo, TEST_SEED, type LocalDynamo } from './local-dynamo.js';
import { applySeed } from '../../functions/src/seed/apply-seed.js';
import { parseSeed } from '../../functions/src/seed/seed-schema.js';

const CONTEXT = {} as Context;
const HEARTBEAT_TTL_SECONDS = 30;

let db: LocalDynamo;
let clock = NOW;
let authorize: ReturnType<typeof createAuthorizeCallHandler>;
let cdr: ReturnType<typeof createCdrHandler>;
let heartbeat: ReturnType<typeof createEdgeHeartbeatHandler>;
let reaper: ReturnType<typeof createReaperHandler>;

beforeAll(async () => {
  db = await startLocalDynamo();
  // Call limits on both users: only a user with a limit holds slots for the reaper to free.
  const limited = TEST_SEED.tenants.map((t) => (t.id === 'acme' ? { ...t, users: t.users.map((u) => ({ ...u, maxCalls: 10 })) } : t));
  await applySeed({ directory: db.stores.directory }, parseSeed({ ...TEST_SEED, tenants: limited }));
  const { directory, bindings, callSlots, edges, cdrs } = db.stores;
  authorize = createAuthorizeCallHandler({ directory, bindings, slots: callSlots, edges, settings: REGISTRAR_SETTINGS, now: () => clock });
  cdr = createCdrHandler({ cdrs });
  heartbeat = createEdgeHeartbeatHandler({ edges, now: () => clock });
  reaper = createReaperHandler({ edges, cdrs, slots: callSlots, now: () => clock });
});

afterAll(async () => {
  await db?.close();
});

beforeEach(() => {
  clock += 24 * 3_600_000;
});

const iso = (ms: number) => new Date(ms).toISOString();
const beat = (edge: EdgeIdentity) => heartbeat({ type: 'edge-heartbeat', edge, sip: { host: '10.0.0.9', port: 5060 }, ttlSeconds: HEARTBEAT_TTL_SECONDS }, CONTEXT);

/** An answered call 1001 → 1002 carried by `edge`, reported to the bus as the edge would. */
async function answeredCall(edge: EdgeIdentity, callId: string): Promise<Extract<AuthorizeCallResult, { decision: 'route' }>> {
  const { version } = await db.stores.bindings.loadBindings({ tenantId: 'acme', ext: '1002' }, clock);
  await db.stores.bindings.saveBindings(
    { tenantId: 'acme', ext: '1002' },
    [binding({ key: 'desk', edgeId: edge.id, bootId: edge.bootId, expiresAt: clock + 3_600_000 })],
    version,
    clock,
  );
  const r = await authorizedCall(authorize, { from: '1001', to: '1002', domain: 'acme.test', password: PASSWORDS['acme/1001']!, callId, edge });
  if (r.decision !== 'route') throw new Error(`expected a route, got ${JSON.stringify(r)}`);
  const { tenantId, caller, callee, slots } = r.call;
  await cdr(callEvent('call.attempt', { tenantId, callId, direction: 'internal', caller, callee, startTime: iso(clock), edgeId: edge.id, bootId: edge.bootId, slots }), CONTEXT);
  await cdr(callEvent('call.alert', { tenantId, callId, time: iso(clock + 1_000), status: 180 }), CONTEXT);
  await cdr(callEvent('call.answer', { tenantId, callId, time: iso(clock + 3_000), answeredBy: { contact: 'sip:device@198.51.100.7:5060', bindingKey: 'desk' } }), CONTEXT);
  return r;
}

const slotIds = async (ext: string) => (await db.stores.callSlots.load({ tenantId: 'acme', ext })).entries.map((c) => c.callId);

describe('reaper with DynamoDB (dynalite)', () => {
  it('closes the calls of an edge whose heartbeat expired, as a timeout at its last heartbeat, and frees their slots', async () => {
    const edge = { id: 'edge-dies', bootId: 'd-1' };
    await beat(edge);
    await answeredCall(edge, 'lost-call');
    // The open call keeps each slot's direction: the reaper releases each with one conditional write.
    expect((await db.stores.cdrs.listOpenCalls(edge.id))[0]?.slots).toEqual([
      { tenantId: 'acme', ext: '1001', direction: 'out' },
      { tenantId: 'acme', ext: '1002', direction: 'in' },
    ]);
    clock += 10_000;
    await beat(edge);
    const lastHeartbeat = clock;

    // Still within the lease: nothing happens.
    clock += (HEARTBEAT_TTL_SECONDS - 1) * 1000;
    expect(await reaper({}, CONTEXT)).toMatchObject({ closedCalls: 0 });
    expect(await db.stores.cdrs.getCdr('acme', 'lost-call')).toMatchObject({ state: 'open' });

    // Bound: closed by the first run after heartbeat TTL (+ at most one reaper period).
    clock = lastHeartbeat + (HEARTBEAT_TTL_SECONDS + REAPER_PERIOD_SECONDS) * 1000;
    expect(await reaper({}, CONTEXT)).toMatchObject({ deadEdges: 1, closedCalls: 1, releasedSlots: 2, failedCalls: 0 });
    expect(await db.stores.cdrs.getCdr('acme', 'lost-call')).toMatchObject({
      state: 'closed',
      closedBy: 'timeout',
      endTime: iso(lastHeartbeat),
      disposition: 'answered',
      status: 200,
      hangupBy: 'system',
      reason: 'edge lost',
      ringSeconds: 2,
      talkSeconds: (lastHeartbeat - (lastHeartbeat - 10_000 + 3_000)) / 1000,
    });
    expect(await slotIds('1001')).not.toContain('lost-call');
    expect(await slotIds('1002')).not.toContain('lost-call');
    expect(await db.stores.cdrs.listOpenCalls('edge-dies')).toEqual([]);

    // A second run has nothing left to do.
    expect(await reaper({}, CONTEXT)).toMatchObject({ closedCalls: 0 });
  });

  it('lets a real call.end arriving after the timeout correct the record', async () => {
    const edge = { id: 'edge-late', bootId: 'l-1' };
    await beat(edge);
    const r = await answeredCall(edge, 'late-end');
    const start = clock;
    clock += (HEARTBEAT_TTL_SECONDS + REAPER_PERIOD_SECONDS) * 1000;
    await reaper({}, CONTEXT);
    const { tenantId, caller, callee } = r.call;
    await cdr(
      callEvent('call.end', {
        tenantId,
        callId: 'late-end',
        direction: 'internal',
        caller,
        callee,
        startTime: iso(start),
        alertTime: iso(start + 1_000),
        answerTime: iso(start + 3_000),
        endTime: iso(start + 20_000),
        disposition: 'answered',
        status: 200,
        hangupBy: 'caller',
      }),
      CONTEXT,
    );
    expect(await db.stores.cdrs.getCdr('acme', 'late-end')).toMatchObject({ closedBy: 'edge', hangupBy: 'caller', talkSeconds: 17 });
    expect(await db.stores.cdrs.getCdr('acme', 'late-end')).not.toHaveProperty('reason');
  });

  it('leaves calls of a live edge alone but closes those of its previous boot at the restart', async () => {
    const old = { id: 'edge-restarts', bootId: 'r-1' };
    await beat(old);
    await answeredCall(old, 'old-boot-call');
    clock += 5_000;
    const restartedAt = clock;
    const fresh = { id: 'edge-restarts', bootId: 'r-2' };
    await beat(fresh);
    await answeredCall(fresh, 'new-boot-call');

    expect(await reaper({}, CONTEXT)).toMatchObject({ closedCalls: 1 });
    expect(await db.stores.cdrs.getCdr('acme', 'old-boot-call')).toMatchObject({ closedBy: 'timeout', endTime: iso(restartedAt) });
    expect(await db.stores.cdrs.getCdr('acme', 'new-boot-call')).toMatchObject({ state: 'open' });
    expect(await slotIds('1001')).toEqual(['new-boot-call']);
  });

  it('forgets a dead edge once its calls are closed and the retention has passed', async () => {
    const edge = { id: 'edge-forgotten', bootId: 'f-1' };
    await beat(edge);
    clock += HEARTBEAT_TTL_SECONDS * 1000 + DEAD_EDGE_RETENTION_MS + 1;
    expect((await reaper({}, CONTEXT)).deletedEdges).toBeGreaterThanOrEqual(1);
    expect(await db.stores.edges.getEdge('edge-forgotten')).toBeUndefined();
  });
});
