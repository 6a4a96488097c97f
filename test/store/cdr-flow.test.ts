/**
 * The cdr function against a real DynamoDB API (dynalite): one CDR per call
 * whatever the order and repetition of its events, the open-call index, both
 * event envelopes, and the reports' time-range access path.
 */
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toEventBridgeEnvelope } from '../../contracts/bus/event-routes.js';
import { callEvent, type CallEventDetails, type CallEventType } from '../../contracts/bus/call-events.js';
import { createCdrHandler } from '../../functions/src/cdr/cdr-handler.js';
import type { CdrRecord } from '../../functions/src/cdr/cdr-record.js';
import { startLocalDynamo, type LocalDynamo } from './local-dynamo.js';

const CONTEXT = {} as Context;
const T = (s: number) => new Date(Date.UTC(2025, 0, 15, 12, 0, s)).toISOString();

let db: LocalDynamo;
let cdr: ReturnType<typeof createCdrHandler>;

beforeAll(async () => {
  db = await startLocalDynamo();
  cdr = createCdrHandler({ cdrs: db.stores.cdrs });
});

afterAll(async () => {
  await db?.close();
});

type Step = { [T in CallEventType]: [T, CallEventDetails[T]] }[CallEventType];

function callSteps(callId: string, edgeId = 'edge-a'): Record<'attempt' | 'alert' | 'answer' | 'end', Step> {
  const caller = { ext: '1001', displayName: 'Alice' };
  const callee = { ext: '1002' };
  const answeredBy = { contact: 'sip:1002@10.0.0.2', bindingKey: 'desk' };
  const base = { tenantId: 'acme', callId };
  return {
    attempt: ['call.attempt', { ...base, direction: 'internal', caller, callee, startTime: T(0), edgeId, bootId: 'boot-1', slots: [{ tenantId: 'acme', ext: '1001' }] }],
    alert: ['call.alert', { ...base, time: T(1), status: 180 }],
    answer: ['call.answer', { ...base, time: T(4), answeredBy }],
    end: [
      'call.end',
      { ...base, direction: 'internal', caller, callee, startTime: T(0), alertTime: T(1), answerTime: T(4), endTime: T(64), answeredBy, disposition: 'answered', status: 200, hangupBy: 'caller' },
    ],
  };
}

/** Delivers a step the way EventBridge does (envelope with "detail-type"). */
const deliver = ([type, detail]: Step) => cdr(toEventBridgeEnvelope(callEvent(type, detail as never), `id-${Math.random()}`), CONTEXT);

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

/** A record with the per-call parts replaced, to compare calls with different ids. */
function normalized(record: CdrRecord | undefined, callId: string): unknown {
  return JSON.parse(JSON.stringify(record ?? null).replaceAll(callId, '<call>'));
}

describe('cdr with DynamoDB (dynalite)', () => {
  it('writes one closed CDR per call for every order of attempt / alert / answer / end (24 orders), with the open-call index emptied', async () => {
    const names = ['attempt', 'alert', 'answer', 'end'] as const;
    const records = await Promise.all(
      permutations(names).map(async (order, i) => {
        const callId = `perm-${i}`;
        const steps = callSteps(callId);
        for (const name of order) await deliver(steps[name]);
        return normalized(await db.stores.cdrs.getCdr('acme', callId), callId);
      }),
    );
    for (const r of records) expect(r).toEqual(records[0]);
    expect(records[0]).toMatchObject({
      state: 'closed',
      closedBy: 'edge',
      disposition: 'answered',
      status: 200,
      ringSeconds: 3,
      talkSeconds: 60,
      edgeId: 'edge-a',
      gsi1pk: 'CDR#acme',
      gsi1sk: `${T(0)}#<call>`,
    });
    expect(await db.stores.cdrs.listOpenCalls('edge-a')).toEqual([]);
  });

  it('gives the same item when every event is repeated, the end included', async () => {
    const once = callSteps('dup-once', 'edge-dup');
    for (const step of [once.attempt, once.alert, once.answer, once.end]) await deliver(step);
    const twice = callSteps('dup-twice', 'edge-dup');
    for (const step of [twice.attempt, twice.end, twice.alert, twice.attempt, twice.answer, twice.end, twice.answer, twice.alert]) await deliver(step);
    expect(normalized(await db.stores.cdrs.getCdr('acme', 'dup-twice'), 'dup-twice')).toEqual(
      normalized(await db.stores.cdrs.getCdr('acme', 'dup-once'), 'dup-once'),
    );
    expect(await db.stores.cdrs.listOpenCalls('edge-dup')).toEqual([]);
  });

  it('indexes an open call under its edge until its end', async () => {
    const steps = callSteps('open-1', 'edge-open');
    await deliver(steps.attempt);
    await deliver(steps.answer);
    expect(await db.stores.cdrs.listOpenCalls('edge-open')).toEqual([
      { edgeId: 'edge-open', tenantId: 'acme', callId: 'open-1', bootId: 'boot-1', startTime: T(0), slots: [{ tenantId: 'acme', ext: '1001' }] },
    ]);
    expect(await db.stores.cdrs.getCdr('acme', 'open-1')).toMatchObject({ state: 'open', answerTime: T(4) });
    await deliver(steps.end);
    expect(await db.stores.cdrs.listOpenCalls('edge-open')).toEqual([]);
  });

  it('accepts the in-process PbxEvent envelope too, and normalizes times', async () => {
    const [type, detail] = callSteps('pbx-1', 'edge-pbx').attempt;
    const result = await cdr({ ...callEvent(type, { ...detail, startTime: '2025-01-15T13:00:00+01:00' } as never) }, CONTEXT);
    expect(result).toEqual({ tenantId: 'acme', callId: 'pbx-1', callRef: 'pbx-1', applied: true, state: 'open' });
    expect((await db.stores.cdrs.getCdr('acme', 'pbx-1'))?.startTime).toBe('2025-01-15T12:00:00.000Z');
  });

  it('ignores events that are not call events, and rejects a malformed call event', async () => {
    expect(await cdr({ source: 'nimbus.functions', 'detail-type': 'ban.added', detail: {}, time: T(0) }, CONTEXT)).toEqual({ ignored: true, detailType: 'ban.added' });
    await expect(cdr({ source: 'nimbus.edge', detailType: 'call.end', detail: { tenantId: 'acme', callId: 'x' }, time: T(0) }, CONTEXT)).rejects.toThrow(/Invalid call.end detail/);
  });

  it('finds CDRs by start time through gsi1 without reading other ranges', async () => {
    for (const [callId, start] of [['range-a', 100], ['range-b', 200], ['range-c', 300]] as const) {
      const [type, detail] = callSteps(callId, 'edge-range').attempt;
      await deliver([type, { ...detail, tenantId: 'ranged', startTime: T(start) }] as Step);
    }
    const found = await db.stores.cdrs.listCdrsByStartTime('ranged', T(100), T(300));
    expect(found.map((r) => r.callId)).toEqual(['range-a', 'range-b']);
  });
});
