/**
 * Two calls with one SIP Call-ID are two calls to the functions (issue 12):
 * against a real DynamoDB API (dynalite), each INVITE the edge names with
 * its own callRef takes its own call slot and trunk slot, is released on its
 * own, gets its own CDR (in any order of the two calls' events), is reaped
 * on its own, and shows up as its own row in the admin API, the CSV and the
 * hourly report.
 */
import { adminApiDeps } from '../../functions/src/admin-api/admin-api-deps.js';
import { InProcessBus } from '../../contracts/bus/in-process-bus.js';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callEvent, type CallEventDetails, type CallEventType } from '../../contracts/bus/call-events.js';
import { toEventBridgeEnvelope } from '../../contracts/bus/event-routes.js';
import type { AdminHttpEvent } from '../../contracts/http-event.js';
import type { EdgeIdentity } from '../../contracts/function-events.js';
import { createAdminApiHandler } from '../../functions/src/admin-api/admin-api-handler.js';
import { createAuthorizeCallHandler } from '../../functions/src/calls/authorize-call-handler.js';
import { createReleaseCallHandler } from '../../functions/src/calls/release-call-handler.js';
import { createCdrHandler } from '../../functions/src/cdr/cdr-handler.js';
import { createReaperHandler } from '../../functions/src/edges/reaper-handler.js';
import { createEdgeHeartbeatHandler } from '../../functions/src/edges/edge-heartbeat-handler.js';
import type { CallReportRow } from '../../functions/src/reports/call-report.js';
import { rollupHour } from '../../functions/src/reports/rollup-hour.js';
import { applySeed } from '../../functions/src/seed/apply-seed.js';
import { parseSeed } from '../../functions/src/seed/seed-schema.js';
import { createTakeTrunkSlotHandler } from '../../functions/src/trunks/take-trunk-slot-handler.js';
import { binding, EDGE, NOW, REGISTRAR_SETTINGS } from '../unit/functions/fixtures.js';
import { authorizedCall, statusOf } from './call-client.js';
import { startLocalDynamo, type LocalDynamo } from './local-dynamo.js';

const CONTEXT = {} as Context;
const TOKEN = 'calls-sharing-a-call-id-admin-token-0123';
const SEED = parseSeed({
  tenants: [
    {
      id: 'dup',
      domains: ['dup.test'],
      users: [
        { ext: '3001', password: 'pw-3001', maxCalls: 1 },
        { ext: '3002', password: 'pw-3002', maxCalls: 10 },
        { ext: '3003', password: 'pw-3003' },
      ],
      trunks: [{ id: 'carrier1', kind: 'ip', host: '192.0.2.10', port: 5060, transport: 'udp', routes: [{ prefix: '9', strip: 1 }], maxOutgoingCalls: 1 }],
    },
  ],
});

let db: LocalDynamo;
let clock = NOW;
const hour = (ms: number) => new Date(ms).toISOString().slice(0, 13) + ':00:00.000Z';

beforeAll(async () => {
  db = await startLocalDynamo();
  await applySeed({ directory: db.stores.directory, trunks: db.stores.trunks }, SEED);
});
afterAll(async () => {
  await db?.close();
});

const handlers = () => {
  const { directory, bindings, callSlots, edges, cdrs, trunks, trunkUsage, online, reports } = db.stores;
  return {
    authorize: createAuthorizeCallHandler({ directory, bindings, slots: callSlots, edges, trunks, trunkUsage, settings: REGISTRAR_SETTINGS, now: () => clock }),
    release: createReleaseCallHandler({ slots: callSlots, trunkUsage }),
    takeTrunkSlot: createTakeTrunkSlotHandler({ trunks, trunkUsage, now: () => clock }),
    cdr: createCdrHandler({ cdrs }),
    reaper: createReaperHandler({ edges, cdrs, slots: callSlots, trunkUsage, now: () => clock }),
    heartbeat: createEdgeHeartbeatHandler({ edges, now: () => clock }),
    api: createAdminApiHandler(adminApiDeps({ stores: db.stores, bus: new InProcessBus(), now: () => clock, adminToken: TOKEN })),
    rollup: { cdrs, online, reports, now: () => clock },
  };
};

/** INVITE → 407 → INVITE with credentials, named `callRef` by the edge; from 3001 (maxCalls 1) unless `from` says otherwise. */
const invite = (o: { callId: string; fromTag: string; callRef: string; from?: string; to?: string; edge?: EdgeIdentity }) => {
  const from = o.from ?? '3001';
  return authorizedCall(handlers().authorize, { ...o, from, to: o.to ?? '3002', domain: 'dup.test', password: `pw-${from}`, edge: o.edge ?? EDGE });
};
const slotRefs = async (ext: string) => (await db.stores.callSlots.load({ tenantId: 'dup', ext })).entries.map((c) => c.callRef);

async function calleeOnline(edge: EdgeIdentity = EDGE): Promise<void> {
  const { version } = await db.stores.bindings.loadBindings({ tenantId: 'dup', ext: '3002' }, clock);
  await db.stores.bindings.saveBindings({ tenantId: 'dup', ext: '3002' }, [binding({ key: 'desk', edgeId: edge.id, bootId: edge.bootId, expiresAt: clock + 3_600_000 })], version, clock);
}

describe('two calls with one Call-ID (dynalite)', () => {
  it('call slots: the second INVITE is a call of its own and meets the limit; a retried invoke is the same call; each releases only its own slot', async () => {
    clock += 3_600_000;
    await calleeOnline();
    const first = await invite({ callId: 'shared-1', fromTag: 'tag-a', callRef: 'ref-a' });
    expect(first).toMatchObject({ decision: 'route', call: { callId: 'shared-1', callRef: 'ref-a', fromTag: 'tag-a' } });
    // The same INVITE judged again (an invoke the edge retried): the slot it holds, no second one.
    expect(statusOf(await invite({ callId: 'shared-1', fromTag: 'tag-a', callRef: 'ref-a' }))).toBe(0);
    expect(await slotRefs('3001')).toEqual(['ref-a']);

    for (const fromTag of ['tag-b', 'tag-a']) {
      // Another From tag, or the same one (as another edge would see it): over maxCalls 1.
      const second = await invite({ callId: 'shared-1', fromTag, callRef: `ref-${fromTag}-2` });
      expect(second).toMatchObject({ decision: 'reply', reply: { status: 403, reason: 'Call limit reached' }, rejectedCall: { call: { callId: 'shared-1', callRef: `ref-${fromTag}-2`, fromTag } } });
    }

    const release = handlers().release;
    const slots = first.decision === 'route' ? first.call.slots : [];
    // Releasing by the Call-ID the two share, or by another call's ref, frees nothing of ref-a.
    expect(await release({ type: 'release-call', callId: 'shared-1', callRef: 'ref-tag-b-2', slots }, CONTEXT)).toEqual({ released: 0 });
    expect(await slotRefs('3001')).toEqual(['ref-a']);
    expect(await release({ type: 'release-call', callId: 'shared-1', callRef: 'ref-a', slots }, CONTEXT)).toEqual({ released: 2 });
    expect(await slotRefs('3001')).toEqual([]);
  });

  it('trunk slots: a second outbound INVITE with the Call-ID of a call on a full trunk gets 503; failover takes a slot per call; each release frees its own', async () => {
    clock += 3_600_000;
    // 3003 has no call limit of its own (so takes no slot): only the trunk (maxOutgoingCalls 1) can refuse.
    const out = await invite({ from: '3003', to: '95550100', callId: 'shared-2', fromTag: 'tag-a', callRef: 'trunk-ref-a' });
    expect(out).toMatchObject({ decision: 'route', call: { callRef: 'trunk-ref-a', fromTag: 'tag-a', trunkId: 'carrier1' } });
    if (out.decision !== 'route') return;
    expect(Object.keys(await db.stores.trunkUsage.leases({ tenantId: 'dup', trunkId: 'carrier1' }))).toEqual(['trunk-ref-a']);

    const second = await invite({ from: '3003', to: '95550100', callId: 'shared-2', fromTag: 'tag-b', callRef: 'trunk-ref-b' });
    expect(second).toMatchObject({ decision: 'reply', reply: { status: 503, reason: 'All trunks busy' }, rejectedCall: { call: { callRef: 'trunk-ref-b', fromTag: 'tag-b' } } });
    // take-trunk-slot (an edge failing over) is per call as well.
    const take = handlers().takeTrunkSlot;
    const event = { type: 'take-trunk-slot' as const, edge: EDGE, callId: 'shared-2', tenantId: 'dup', trunkId: 'carrier1' };
    expect(await take({ ...event, callRef: 'trunk-ref-b' }, CONTEXT)).toEqual({ ok: false, reason: 'maxOutgoingCalls' });
    expect(await take({ ...event, callRef: 'trunk-ref-a' }, CONTEXT)).toMatchObject({ ok: true });

    const release = handlers().release;
    const trunkSlots = out.call.trunkSlots ?? [];
    expect(await release({ type: 'release-call', callId: 'shared-2', callRef: 'trunk-ref-b', slots: out.call.slots, trunkSlots }, CONTEXT)).toEqual({ released: 0 });
    expect(await db.stores.trunkUsage.usage({ tenantId: 'dup', trunkId: 'carrier1' })).toEqual({ in: 0, out: 1, total: 1 });
    expect(out.call.slots).toEqual([]);
    expect(await release({ type: 'release-call', callId: 'shared-2', callRef: 'trunk-ref-a', slots: out.call.slots, trunkSlots }, CONTEXT)).toEqual({ released: 1 });
    expect(await db.stores.trunkUsage.usage({ tenantId: 'dup', trunkId: 'carrier1' })).toEqual({ in: 0, out: 0, total: 0 });
  });

  it('CDRs: one per call whatever the interleaving of the two calls\' events, listed, exported and counted as two calls', async () => {
    clock += 24 * 3_600_000;
    const start = clock;
    const T = (s: number) => new Date(start + s * 1000).toISOString();
    type Step = { [K in CallEventType]: [K, CallEventDetails[K]] }[CallEventType];
    const steps = (callRef: string, fromTag: string, answered: boolean): Step[] => {
      const base = { tenantId: 'dup', callId: 'shared-3', callRef };
      const parties = { direction: 'internal' as const, caller: { ext: '3001' }, callee: { ext: '3002' } };
      const answeredBy = { contact: 'sip:3002@10.1.0.1', bindingKey: 'desk' };
      return [
        ['call.attempt', { ...base, fromTag, ...parties, startTime: T(0), edgeId: `edge-${fromTag}`, bootId: 'b-1', slots: [] }],
        ['call.alert', { ...base, time: T(1), status: 180 }],
        ...(answered ? [['call.answer', { ...base, time: T(3), answeredBy }] as Step] : []),
        [
          'call.end',
          answered
            ? { ...base, fromTag, ...parties, startTime: T(0), alertTime: T(1), answerTime: T(3), answeredBy, endTime: T(33), disposition: 'answered', status: 200, hangupBy: 'caller' }
            : { ...base, fromTag, ...parties, startTime: T(0), alertTime: T(1), endTime: T(5), disposition: 'cancelled', status: 487, hangupBy: 'caller' },
        ],
      ];
    };
    const { cdr, api, rollup } = handlers();
    const deliver = ([type, detail]: Step) => cdr(toEventBridgeEnvelope(callEvent(type, detail as never), `id-${Math.random()}`), CONTEXT);
    const a = steps('cdr-ref-a', 'tag-a', true);
    const b = steps('cdr-ref-b', 'tag-b', false);

    // Interleavings: a's events then b's, b's then a's, alternating, both reversed, and each end first.
    const orders: Step[][] = [[...a, ...b], [...b, ...a], a.flatMap((s, i) => [s, ...(b[i] ? [b[i]!] : [])]), [...a].reverse().concat([...b].reverse()), [a.at(-1)!, b.at(-1)!, ...a, ...b]];
    let reference: unknown;
    for (const [n, order] of orders.entries()) {
      const refs = { a: `cdr-ref-a~${n}`, b: `cdr-ref-b~${n}` };
      for (const [type, detail] of order) {
        const callRef = detail.callRef === 'cdr-ref-a' ? refs.a : refs.b;
        await deliver([type, { ...detail, callRef }] as Step);
      }
      const both = [await db.stores.cdrs.getCdr('dup', refs.a), await db.stores.cdrs.getCdr('dup', refs.b)];
      const shape = JSON.parse(JSON.stringify(both).replaceAll(`~${n}`, ''));
      reference ??= shape;
      expect(shape).toEqual(reference);
    }
    expect(reference).toMatchObject([
      { callId: 'shared-3', callRef: 'cdr-ref-a', fromTag: 'tag-a', state: 'closed', disposition: 'answered', talkSeconds: 30, edgeId: 'edge-tag-a' },
      { callId: 'shared-3', callRef: 'cdr-ref-b', fromTag: 'tag-b', state: 'closed', disposition: 'cancelled', status: 487, edgeId: 'edge-tag-b' },
    ]);
    for (const edgeId of ['edge-tag-a', 'edge-tag-b']) expect(await db.stores.cdrs.listOpenCalls(edgeId)).toEqual([]);

    const get = (path: string, query: Record<string, string>) => {
      const event: AdminHttpEvent = {
        routeKey: '$default',
        rawPath: path,
        headers: { authorization: `Bearer ${TOKEN}` },
        queryStringParameters: query,
        requestContext: { http: { method: 'GET' } },
      };
      return api(event, CONTEXT);
    };
    const range = { from: hour(start), to: new Date(Date.parse(hour(start)) + 3_600_000).toISOString() };
    const listed = JSON.parse((await get('/api/v1/tenants/dup/cdrs', range)).body) as { cdrs: { callId: string; fromTag: string }[] };
    expect(listed.cdrs).toHaveLength(2 * orders.length);
    expect(new Set(listed.cdrs.map((c) => `${c.callId}/${c.fromTag}`))).toEqual(new Set(['shared-3/tag-a', 'shared-3/tag-b']));
    const csv = (await get('/api/v1/tenants/dup/cdrs', { ...range, format: 'csv' })).body.split('\r\n');
    expect(csv[0]).toMatch(/^callId,.*,trunkId,fromTag,callRef$/);
    expect(csv.filter((line) => line.startsWith('shared-3,') && line.includes(',tag-b,cdr-ref-b~'))).toHaveLength(orders.length);

    await rollupHour(rollup, 'dup', hour(start));
    const report = (await db.stores.reports.listReports<CallReportRow>('dup', 'CALLS', range.from, range.to))[0];
    expect(report?.total).toMatchObject({ attempts: 2 * orders.length, answered: orders.length, cancelled: orders.length });
  });

  it('the reaper closes both calls of a dead edge that shared a Call-ID and frees the slots of each', async () => {
    clock += 24 * 3_600_000;
    const { heartbeat, reaper, cdr } = handlers();
    const edgeX = { id: 'edge-x', bootId: 'x-1' };
    const beat = (edge: EdgeIdentity) => heartbeat({ type: 'edge-heartbeat', edge, sip: { host: '10.0.0.9', port: 5060 }, ttlSeconds: 30 }, CONTEXT);
    await beat(edgeX);
    await calleeOnline(edgeX);
    // 3003 → 3002 twice with one Call-ID: two calls, an entry each in the slots of 3002 (the one with a limit).
    for (const [fromTag, callRef] of [['tag-a', 'reap-ref-a'], ['tag-b', 'reap-ref-b']] as const) {
      const call = await invite({ from: '3003', callId: 'shared-4', fromTag, callRef, edge: edgeX });
      if (call.decision !== 'route') throw new Error(`expected a route, got ${JSON.stringify(call)}`);
      const { tenantId, callId, direction, caller, callee, slots } = call.call;
      await cdr(callEvent('call.attempt', { tenantId, callId, callRef, fromTag, direction, caller, callee, startTime: new Date(clock).toISOString(), edgeId: edgeX.id, bootId: edgeX.bootId, slots }), CONTEXT);
    }
    expect((await slotRefs('3002')).sort()).toEqual(['reap-ref-a', 'reap-ref-b']);
    expect((await db.stores.cdrs.listOpenCalls('edge-x')).map((c) => c.callRef).sort()).toEqual(['reap-ref-a', 'reap-ref-b']);

    clock += 120_000; // edge-x stopped beating
    expect(await reaper({}, CONTEXT)).toMatchObject({ closedCalls: 2, releasedSlots: 2, failedCalls: 0 });
    for (const ref of ['reap-ref-a', 'reap-ref-b']) expect(await db.stores.cdrs.getCdr('dup', ref)).toMatchObject({ callId: 'shared-4', callRef: ref, state: 'closed', closedBy: 'timeout' });
    expect(await slotRefs('3002')).toEqual([]);
    expect(await slotRefs('3003')).toEqual([]);
  });
});
