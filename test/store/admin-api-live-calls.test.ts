/**
 * GET /v1/tenants/{tenant}/calls against dynalite: the calls in progress,
 * as the cdr function records them from the edges' call events (the
 * open-call index of every edge, then each call's CDR) — a call appears
 * with its attempt, is "answered" after its answer, and is gone at its end.
 * Another tenant's calls never show.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callEvent } from '../../contracts/bus/call-events.js';
import { parseCallEvent } from '../../contracts/bus/call-event-schemas.js';
import { recordCallEvent } from '../../functions/src/cdr/record-call-event.js';
import { startAdminApi, type AdminApiHarness } from './admin-api-client.js';

let h: AdminApiHarness;

beforeAll(async () => {
  h = await startAdminApi();
  for (const edgeId of ['edge-a', 'edge-b']) {
    await h.db.stores.edges.recordHeartbeat({ edgeId, bootId: `${edgeId}-1`, sipHost: '127.0.0.1', sipPort: 5060, ttlSeconds: 30 }, h.clock.now);
  }
});
afterAll(async () => {
  await h?.close();
});

const at = (s: number) => new Date(h.clock.now + s * 1000).toISOString();

async function record(type: 'call.attempt' | 'call.alert' | 'call.answer' | 'call.end', detail: Record<string, unknown>) {
  const event = callEvent(type, detail as never);
  await recordCallEvent(parseCallEvent(type, event.detail), { cdrs: h.db.stores.cdrs });
}

const attempt = (tenantId: string, callId: string, edgeId: string, caller: string, callee: string, s: number) =>
  record('call.attempt', { tenantId, callId, direction: 'internal', caller: { ext: caller }, callee: { ext: callee }, startTime: at(s), edgeId, bootId: `${edgeId}-1` });

describe('admin API: active calls', () => {
  it('lists the calls in progress on every edge, oldest first, with how far each got', async () => {
    await attempt('acme', 'call-1', 'edge-a', '1001', '1002', 0);
    await attempt('acme', 'call-2', 'edge-b', '1002', '1001', 1);
    await attempt('globex', 'call-3', 'edge-a', '1001', '1002', 2);
    await record('call.alert', { tenantId: 'acme', callId: 'call-1', time: at(3), status: 180 });
    await record('call.answer', { tenantId: 'acme', callId: 'call-1', time: at(4), answeredBy: { contact: 'sip:1002@192.0.2.2', bindingKey: 'k' } });
    const res = await h.call('GET', '/api/v1/tenants/acme/calls');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      tenantId: 'acme',
      calls: [
        {
          callId: 'call-1', direction: 'internal', caller: { ext: '1001' }, callee: { ext: '1002' }, startTime: at(0), alertTime: at(3), answerTime: at(4),
          state: 'answered', edgeId: 'edge-a', edgeAlive: true,
        },
        { callId: 'call-2', direction: 'internal', caller: { ext: '1002' }, callee: { ext: '1001' }, startTime: at(1), state: 'trying', edgeId: 'edge-b', edgeAlive: true },
      ],
    });
  });

  it('drops a call at its end', async () => {
    await record('call.end', {
      tenantId: 'acme', callId: 'call-1', direction: 'internal', caller: { ext: '1001' }, callee: { ext: '1002' }, startTime: at(0), alertTime: at(3),
      answerTime: at(4), endTime: at(9), disposition: 'answered', status: 200, hangupBy: 'caller',
    });
    const res = await h.call('GET', '/api/v1/tenants/acme/calls');
    expect(res.body.calls.map((c: { callId: string }) => c.callId)).toEqual(['call-2']);
    expect((await h.call('GET', '/api/v1/tenants/globex/calls')).body.calls.map((c: { callId: string }) => c.callId)).toEqual(['call-3']);
  });

  it('marks the calls of an edge whose heartbeat ran out (the reaper will close them)', async () => {
    h.clock.now += 31_000;
    try {
      const res = await h.call('GET', '/api/v1/tenants/acme/calls');
      expect(res.body.calls).toEqual([expect.objectContaining({ callId: 'call-2', edgeAlive: false })]);
    } finally {
      h.clock.now -= 31_000;
    }
  });
});
