/**
 * authorize-call, release-call and edge-heartbeat against a real DynamoDB API
 * (dynalite), driven with INVITEs and MESSAGEs parsed from SIP text.
 */
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EdgeIdentity } from '../../contracts/function-events.js';
import type { PbxEvent } from '../../contracts/bus/pbx-event.js';
import { createAuthorizeCallHandler } from '../../functions/src/calls/authorize-call-handler.js';
import type { AuthorizeCallDeps } from '../../functions/src/calls/authorize-call.js';
import { createEdgeHeartbeatHandler } from '../../functions/src/edges/edge-heartbeat-handler.js';
import { createReleaseCallHandler } from '../../functions/src/calls/release-call-handler.js';
import type { Binding } from '../../functions/src/registration/binding.js';
import { applySeed } from '../../functions/src/seed/apply-seed.js';
import { parseSeed } from '../../functions/src/seed/seed-schema.js';
import { binding, EDGE, NOW, REGISTRAR_SETTINGS } from '../unit/functions/fixtures.js';
import { authorizedCall, callCredentials, sendCall, statusOf, type CallOptions } from './call-client.js';
import { PASSWORDS, startLocalDynamo, type LocalDynamo } from './local-dynamo.js';

const CONTEXT = {} as Context;

/** Users with every kind of MSS call limit, in their own tenant. */
const LIMITS_SEED = parseSeed({
  tenants: [
    {
      id: 'callco',
      domains: ['callco.test'],
      users: [
        { ext: '2001', password: 'pw-2001' },
        { ext: '2002', password: 'pw-2002' },
        { ext: '2003', password: 'pw-2003', maxCalls: 1 },
        { ext: '2004', password: 'pw-2004', maxOutgoingCalls: 0 },
        { ext: '2005', password: 'pw-2005', maxCalls: 0 },
        { ext: '2006', password: 'pw-2006', maxOutgoingCalls: 2 },
        { ext: '2007', password: 'pw-2007', maxCalls: 2 },
        { ext: '2008', password: 'pw-2008' },
        { ext: '2009', password: 'pw-2009', maxCalls: 10 },
        { ext: '2010', password: 'pw-2010', maxOutgoingCalls: 10 },
      ],
    },
  ],
});

let db: LocalDynamo;
let clock = NOW;
let authorize: ReturnType<typeof createAuthorizeCallHandler>;
let release: ReturnType<typeof createReleaseCallHandler>;
let heartbeat: ReturnType<typeof createEdgeHeartbeatHandler>;
let published: PbxEvent[] = [];

beforeAll(async () => {
  db = await startLocalDynamo();
  await applySeed({ directory: db.stores.directory }, LIMITS_SEED);
  const deps: AuthorizeCallDeps = {
    directory: db.stores.directory,
    bindings: db.stores.bindings,
    slots: db.stores.callSlots,
    edges: db.stores.edges,
    settings: REGISTRAR_SETTINGS,
    now: () => clock,
    failToBan: {
      bans: db.stores.bans,
      settings: async () => ({ enabled: true, maxFailures: 3, windowSeconds: 60, banSeconds: 3600, whitelist: [] }),
      bus: { publish: async (events) => void published.push(...events) },
      now: () => clock,
    },
  };
  authorize = createAuthorizeCallHandler(deps);
  release = createReleaseCallHandler({ slots: db.stores.callSlots });
  heartbeat = createEdgeHeartbeatHandler({ edges: db.stores.edges, now: () => clock });
});

afterAll(async () => {
  await db?.close();
});

let seq = 0;
const nextCallId = () => `call-${++seq}@test`;
beforeEach(() => {
  clock += 3_600_000 * 2; // bindings of earlier tests have expired; earlier heartbeats too
  published = [];
});

const password = (tenant: string, ext: string) => (tenant === 'acme' ? PASSWORDS[`acme/${ext}`]! : `pw-${ext}`);

function acmeCall(from: string, to: string, extra: Partial<CallOptions> = {}): CallOptions {
  return { from, to, domain: 'acme.test', password: password('acme', from), callId: nextCallId(), ...extra };
}
function callcoCall(from: string, to: string, extra: Partial<CallOptions> = {}): CallOptions {
  return { from, to, domain: 'callco.test', password: password('callco', from), callId: nextCallId(), ...extra };
}

/** Stores the user's bindings as the registrar would (expiring an hour from now). */
async function setBindings(tenantId: string, ext: string, bindings: Binding[]): Promise<void> {
  const { version } = await db.stores.bindings.loadBindings({ tenantId, ext }, clock);
  const live = bindings.map((b) => ({ ...b, expiresAt: clock + 3_600_000, registeredAt: clock }));
  expect(await db.stores.bindings.saveBindings({ tenantId, ext }, live, version, clock)).toBe(true);
}
const online = (tenantId: string, ext: string) => setBindings(tenantId, ext, [binding({ key: `k-${ext}`, contact: `sip:${ext}@10.1.0.1:5060` })]);

const slotsOf = async (tenantId: string, ext: string) => (await db.stores.callSlots.load({ tenantId, ext })).entries;

describe('authorize-call: authentication and routing', () => {
  it('challenges with 407, then routes to every live device of the callee', async () => {
    await setBindings('acme', '1002', [
      binding({ key: 'desk', contact: 'sip:1002@10.0.0.40:5060' }),
      binding({ key: 'browser', contact: 'sip:x@abc.invalid;transport=ws', protocol: 'wss', flowId: 'ws-1', address: '203.0.113.9', port: 50123 }),
    ]);
    const o = acmeCall('1001', '1002');
    const first = await sendCall(authorize, o);
    expect(first).toMatchObject({ decision: 'reply', reply: { status: 407, reason: 'Proxy Authentication Required' }, auth: { outcome: 'challenge', tenantId: 'acme' } });
    if (first.decision !== 'reply') return;
    expect(first.reply.headers.map((h) => h.name)).toEqual(['Proxy-Authenticate', 'Proxy-Authenticate']);

    const result = await authorizedCall(authorize, o);
    expect(result).toEqual({
      decision: 'route',
      call: {
        tenantId: 'acme',
        callId: o.callId,
        // No callRef in the event (an earlier edge): the call is keyed by its Call-ID.
        callRef: o.callId,
        fromTag: 'caller-tag',
        direction: 'internal',
        caller: { ext: '1001', displayName: 'Alice' },
        callee: { ext: '1002' },
        // Neither has a call limit: no slot, nothing to release.
        slots: [],
      },
      targets: [
        { contact: 'sip:1002@10.0.0.40:5060', bindingKey: 'desk', edgeId: EDGE.id, bootId: EDGE.bootId, protocol: 'udp', address: '198.51.100.7', port: 5060 },
        { contact: 'sip:x@abc.invalid;transport=ws', bindingKey: 'browser', edgeId: EDGE.id, bootId: EDGE.bootId, flowId: 'ws-1', protocol: 'wss', address: '203.0.113.9', port: 50123 },
      ],
      auth: { outcome: 'ok', tenantId: 'acme', username: '1001' },
    });
    expect(await slotsOf('acme', '1001')).toEqual([]);
    expect(await slotsOf('acme', '1002')).toEqual([]);
  });

  it('reveals nothing before authentication: a missing number gets the same 407 as a real one', async () => {
    const real = await sendCall(authorize, acmeCall('1001', '1002'));
    const missing = await sendCall(authorize, acmeCall('1001', '4040'));
    const strip = (r: typeof real) => (r.decision === 'reply' ? { ...r.reply, headers: r.reply.headers.map((h) => h.value.replace(/nonce="[^"]*"/, '')) } : r);
    expect(strip(missing)).toEqual(strip(real));
  });

  it('answers an unknown caller and a wrong password with the same 403, and counts both for fail-to-ban', async () => {
    const wrong = await authorizedCall(authorize, { ...acmeCall('1001', '1002'), password: 'nope' });
    const unknown = await authorizedCall(authorize, { ...acmeCall('7777', '1002'), password: 'nope' });
    expect(wrong).toEqual({ decision: 'reply', reply: { status: 403, reason: 'Forbidden', headers: [] }, auth: { outcome: 'failed', tenantId: 'acme', username: '1001' } });
    expect(unknown.decision === 'reply' && unknown.reply).toEqual(wrong.decision === 'reply' && wrong.reply);
    expect(published).toEqual([]);
    await authorizedCall(authorize, { ...acmeCall('1001', '1002'), password: 'still-wrong' });
    expect(published.map((e) => e.detailType)).toEqual(['ban.added']);
    await db.stores.bans.deleteBan('198.51.100.7');
  });

  it('answers 404 for a number that is no extension of the caller tenant, once authenticated', async () => {
    expect(await authorizedCall(authorize, acmeCall('1001', '4040'))).toMatchObject({ decision: 'reply', reply: { status: 404 }, auth: { outcome: 'ok' } });
  });

  it('does not route across tenants: a Request-URI in another tenant domain is 404', async () => {
    await online('globex', '1001');
    const r = await authorizedCall(authorize, acmeCall('1001', '1001', { requestHost: 'globex.test' }));
    expect(statusOf(r)).toBe(404);
  });

  it('accepts a Request-URI host that is no tenant domain (phones dialling the PBX by address)', async () => {
    await online('acme', '1002');
    expect((await authorizedCall(authorize, acmeCall('1001', '1002', { requestHost: '192.0.2.10' }))).decision).toBe('route');
  });

  it('answers 480 for a known user with no binding, and takes no slot', async () => {
    const o = callcoCall('2009', '2003');
    expect(await authorizedCall(authorize, o)).toMatchObject({ decision: 'reply', reply: { status: 480, reason: 'Temporarily Unavailable' } });
    expect((await slotsOf('callco', '2009')).filter((s) => s.callId === o.callId)).toEqual([]);
  });

  it('routes a MESSAGE like a call but takes no slot, even to a user allowed no calls', async () => {
    await online('callco', '2005');
    const r = await authorizedCall(authorize, callcoCall('2001', '2005', { method: 'MESSAGE' }));
    expect(r).toMatchObject({ decision: 'route', call: { callee: { ext: '2005' }, slots: [] } });
  });
});

describe('authorize-call: devices held by other edges (heartbeats)', () => {
  const EDGE_B: EdgeIdentity = { id: 'edge-b', bootId: 'b-boot-1' };
  const farBinding = (o: Partial<Binding> = {}) =>
    binding({ key: 'far', contact: 'sip:1002@abc.invalid;transport=ws', edgeId: EDGE_B.id, bootId: EDGE_B.bootId, flowId: 'ws-9', protocol: 'ws', ...o });

  it('routes through the live edge holding the flow, with its SIP address', async () => {
    await heartbeat({ type: 'edge-heartbeat', edge: EDGE_B, sip: { host: '10.0.0.2', port: 5070 }, ttlSeconds: 30 }, CONTEXT);
    await setBindings('acme', '1002', [farBinding()]);
    const r = await authorizedCall(authorize, acmeCall('1001', '1002'));
    expect(r.decision === 'route' && r.targets).toEqual([expect.objectContaining({ bindingKey: 'far', viaEdge: { edgeId: 'edge-b', host: '10.0.0.2', port: 5070 } })]);
  });

  it('answers 480 when the only device is held by an edge whose heartbeat expired', async () => {
    await heartbeat({ type: 'edge-heartbeat', edge: EDGE_B, sip: { host: '10.0.0.2', port: 5070 }, ttlSeconds: 30 }, CONTEXT);
    await setBindings('acme', '1002', [farBinding()]);
    clock += 31_000;
    expect(statusOf(await authorizedCall(authorize, acmeCall('1001', '1002')))).toBe(480);
  });

  it('skips a flow binding of an edge that restarted since the device registered', async () => {
    await heartbeat({ type: 'edge-heartbeat', edge: { id: 'edge-b', bootId: 'b-boot-2' }, sip: { host: '10.0.0.2', port: 5070 }, ttlSeconds: 30 }, CONTEXT);
    await setBindings('acme', '1002', [farBinding(), binding({ key: 'near', contact: 'sip:1002@10.0.0.41' })]);
    const r = await authorizedCall(authorize, acmeCall('1001', '1002'));
    expect(r.decision === 'route' && r.targets.map((t) => t.bindingKey)).toEqual(['near']);
  });
});

describe('authorize-call: per-user call limits (MSS maxCalls / maxOutgoingCalls)', () => {
  it('refuses the caller with 403 and a reason when it may not call out at all (maxOutgoingCalls 0)', async () => {
    await online('callco', '2001');
    expect(await authorizedCall(authorize, callcoCall('2004', '2001'))).toMatchObject({
      decision: 'reply',
      reply: { status: 403, reason: 'Outgoing calls not allowed' },
    });
  });

  it('answers 486 for a callee allowed no calls (maxCalls 0) and gives the caller its slot back', async () => {
    await online('callco', '2005');
    const o = callcoCall('2009', '2005');
    expect(await authorizedCall(authorize, o)).toMatchObject({ decision: 'reply', reply: { status: 486, reason: 'Busy Here' } });
    expect((await slotsOf('callco', '2009')).filter((s) => s.callId === o.callId)).toEqual([]);
    expect((await db.stores.callSlots.load({ tenantId: 'callco', ext: '2009' })).counts).toEqual({ calls: 0, out: 0 });
  });

  it('holds maxCalls 1 for both directions until the call is released, and release is idempotent', async () => {
    await online('callco', '2002');
    await online('callco', '2003');
    const first = callcoCall('2003', '2002');
    const r1 = await authorizedCall(authorize, first);
    expect(r1.decision).toBe('route');

    expect(await authorizedCall(authorize, callcoCall('2003', '2002'))).toMatchObject({ reply: { status: 403, reason: 'Call limit reached' } });
    expect(await authorizedCall(authorize, callcoCall('2002', '2003'))).toMatchObject({ reply: { status: 486 } });

    // The same call authorized again (INVITE retransmitted / re-sent) keeps its one slot.
    expect((await authorizedCall(authorize, first)).decision).toBe('route');
    expect(await slotsOf('callco', '2003')).toHaveLength(1);

    const slots = r1.decision === 'route' ? r1.call.slots : [];
    // Only 2003 has a limit: one slot, its outgoing one.
    expect(slots).toEqual([{ tenantId: 'callco', ext: '2003', direction: 'out' }]);
    expect(await release({ type: 'release-call', callId: first.callId, slots }, CONTEXT)).toEqual({ released: 1 });
    expect(await release({ type: 'release-call', callId: first.callId, slots }, CONTEXT)).toEqual({ released: 0 });
    const r2 = await authorizedCall(authorize, callcoCall('2002', '2003'));
    expect(r2.decision).toBe('route');
    if (r2.decision === 'route') await release({ type: 'release-call', callId: r2.call.callId, callRef: r2.call.callRef, slots: r2.call.slots }, CONTEXT);
  });

  it('treats absent limits as unlimited and records nothing for them (issue 14: no slot, no release)', async () => {
    await online('callco', '2002');
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await authorizedCall(authorize, callcoCall('2008', '2002')));
    expect(results.map((r) => r.decision)).toEqual(['route', 'route', 'route', 'route', 'route']);
    expect(results.map((r) => r.decision === 'route' && r.call.slots)).toEqual(Array(5).fill([]));
    expect(await slotsOf('callco', '2008')).toEqual([]);
  });

  it('reclaims the slot of a call whose edge died (lease = heartbeat)', async () => {
    await online('callco', '2002');
    const lost = { callId: 'lost', callRef: 'lost', direction: 'out' as const, edgeId: 'edge-gone', bootId: 'x', since: clock - 60_000 };
    expect(await db.stores.callSlots.take({ tenantId: 'callco', ext: '2003' }, lost, {})).toBe(true);
    expect((await authorizedCall(authorize, callcoCall('2003', '2002'))).decision).toBe('route');
    expect((await slotsOf('callco', '2003')).map((s) => s.callId)).not.toContain('lost');
  });

  it('never exceeds maxCalls when calls to one user race (Promise.all)', async () => {
    await online('callco', '2007');
    // Callers with limits of their own (taking slots) and without (taking none).
    const callers = ['2009', '2010', '2001', '2009', '2010', '2001'];
    const authorized = await Promise.all(
      callers.map(async (from) => {
        const o = callcoCall(from, '2007');
        return { o, proxyAuthorization: await callCredentials(authorize, o) };
      }),
    );
    const results = await Promise.all(authorized.map(({ o, proxyAuthorization }) => sendCall(authorize, { ...o, cseq: 2, proxyAuthorization })));
    expect(results.filter((r) => r.decision === 'route')).toHaveLength(2);
    expect(results.filter((r) => statusOf(r) === 486)).toHaveLength(4);
    expect(await slotsOf('callco', '2007')).toHaveLength(2);
    // Refused calls gave their callers' slots back; callers without limits hold none.
    for (const [i, { o }] of authorized.entries()) {
      const held = (await slotsOf('callco', o.from)).some((s) => s.callId === o.callId);
      expect(held).toBe(o.from !== '2001' && results[i]!.decision === 'route');
    }
  });

  it('never exceeds maxOutgoingCalls when one user places calls at once (Promise.all)', async () => {
    await online('callco', '2002');
    const calls = Array.from({ length: 6 }, () => callcoCall('2006', '2002'));
    const proxyAuthorization = await callCredentials(authorize, calls[0]!);
    const results = await Promise.all(calls.map((o) => sendCall(authorize, { ...o, cseq: 2, proxyAuthorization })));
    expect(results.filter((r) => r.decision === 'route')).toHaveLength(2);
    expect(results.filter((r) => r.decision === 'reply').map((r) => r.decision === 'reply' && r.reply.reason)).toEqual(Array(4).fill('Outgoing call limit reached'));
    expect(await slotsOf('callco', '2006')).toHaveLength(2);
  });
});

describe('edge-heartbeat', () => {
  it('records the lease, keeps bootedAt across heartbeats of one boot and starts over on a new boot', async () => {
    const edge = { id: 'edge-hb', bootId: 'hb-1' };
    const t0 = clock;
    expect(await heartbeat({ type: 'edge-heartbeat', edge, sip: { host: '10.9.0.1', port: 5060 }, ttlSeconds: 15 }, CONTEXT)).toEqual({ ok: true });
    clock += 5_000;
    await heartbeat({ type: 'edge-heartbeat', edge, sip: { host: '10.9.0.1', port: 5060 }, ttlSeconds: 15 }, CONTEXT);
    expect(await db.stores.edges.getEdge('edge-hb')).toEqual({
      edgeId: 'edge-hb',
      bootId: 'hb-1',
      sipHost: '10.9.0.1',
      sipPort: 5060,
      bootedAt: t0,
      lastSeen: t0 + 5_000,
      expiresAt: t0 + 20_000,
    });

    clock += 1_000;
    await heartbeat({ type: 'edge-heartbeat', edge: { id: 'edge-hb', bootId: 'hb-2' }, sip: { host: '10.9.0.1', port: 5062 }, ttlSeconds: 15 }, CONTEXT);
    expect(await db.stores.edges.getEdge('edge-hb')).toMatchObject({ bootId: 'hb-2', sipPort: 5062, bootedAt: t0 + 6_000, lastSeen: t0 + 6_000 });

    const listed = (await db.stores.edges.listEdges(t0 + 6_000 + 15_000)).find((e) => e.edgeId === 'edge-hb');
    expect(listed?.alive).toBe(false);
    expect((await db.stores.edges.listEdges(t0 + 7_000)).find((e) => e.edgeId === 'edge-hb')?.alive).toBe(true);
  });

  it('rejects a heartbeat without SIP address before touching the store', async () => {
    await expect(heartbeat({ type: 'edge-heartbeat', edge: { id: 'x', bootId: 'y' }, ttlSeconds: 15 } as never, CONTEXT)).rejects.toThrow(/Invalid event: sip/);
  });
});
