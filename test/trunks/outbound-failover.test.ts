import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { hasTool } from '../support/require-tool.js';
import { waitForCdr } from '../support/store-inspect.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { carrierInvites, dialOut, pause, seedWithTrunks, startCarrier, startSilentCarrier, waitForUsage } from './trunk-stack.js';

/**
 * Outbound failover (dial-plan.ts resolveTrunkRoutes): two trunks share the
 * prefix "9"; the PBX tries them in seed order and moves on when the first
 * carrier fails the call with a 5xx or the first trunk is full — but a
 * carrier's 486 Busy Here is the callee's answer and ends the call.
 */
describe.runIf(hasTool('sipp'))('outbound failover between trunks (SIPp caller ↔ edge ↔ SIPp carriers)', () => {
  let stack: TestStack;
  let portA: number;
  let portB: number;
  let portFullA: number;
  let portFullB: number;
  const seen = new Set<string>();
  const closedCdrOf = async (trunkId: string) => {
    const cdr = await waitForCdr(stack, 'acme', (c) => c.trunkId === trunkId && c.state === 'closed' && !seen.has(c.callId));
    seen.add(cdr.callId);
    return cdr;
  };

  beforeAll(async () => {
    [portA, portB, portFullA, portFullB] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const trunk = (id: string, port: number, prefix: string, extra: Record<string, unknown> = {}) => ({
      id, kind: 'ip', host: '127.0.0.1', port, transport: 'udp', routes: [{ prefix, strip: 1 }], ...extra,
    });
    stack = await startTestStack({
      seed: seedWithTrunks([
        trunk('carrierA', portA, '9'),
        trunk('carrierB', portB, '9'),
        trunk('carrierFullA', portFullA, '4', { maxOutgoingCalls: 1 }),
        trunk('carrierFullB', portFullB, '4'),
      ]),
    });
  });
  afterAll(async () => {
    await stack?.dispose();
  });

  it('carrierA answers 503: the call is retried on carrierB, which connects it; the CDR names carrierB', async () => {
    const a = await startCarrier(portA, 'carrier-reject.xml', { template: { status: '503', reason: 'Service Unavailable' } });
    const b = await startCarrier(portB, 'carrier-answer.xml');
    const caller = await dialOut(stack, '95550123', 'uac-call.xml');
    const [refused, answered] = await Promise.all([a.finished, b.finished]);
    expect(caller.code, caller.stderr).toBe(0);
    expect(refused.code, refused.stderr).toBe(0);
    expect(answered.code, answered.stderr).toBe(0);
    expect(refused.log).toMatch(/^INVITE ruri=sip:5550123@/m);
    expect(carrierInvites(answered.log)[0].ruri).toMatch(/^sip:5550123@127\.0\.0\.1(:\d+)?(;|$)/);
    expect(await closedCdrOf('carrierB')).toMatchObject({ direction: 'outbound', trunkId: 'carrierB', disposition: 'answered' });
  });

  it('carrierFullA is full (maxOutgoingCalls 1, one call held): the next call goes straight to carrierFullB', async () => {
    const a = await startCarrier(portFullA, 'carrier-answer.xml');
    const b = await startCarrier(portFullB, 'carrier-answer.xml');
    const held = dialOut(stack, '45550301', 'uac-call.xml', { talk: '3000' });
    await waitForUsage(stack, 'carrierFullA', (u) => u.out === 1).catch(() => pause(1_500));

    const caller = await dialOut(stack, '45550302', 'uac-call.xml');
    expect(caller.code, caller.stderr).toBe(0);
    const answeredB = await b.finished;
    expect(answeredB.code, answeredB.stderr).toBe(0);
    expect(carrierInvites(answeredB.log).map((i) => i.ruri)).toEqual([expect.stringMatching(/^sip:5550302@/)]);
    expect(await closedCdrOf('carrierFullB')).toMatchObject({ direction: 'outbound', disposition: 'answered' });

    expect((await held).code).toBe(0);
    const answeredA = await a.finished;
    expect(answeredA.code, answeredA.stderr).toBe(0);
    // carrierFullA only ever saw the held call: the full trunk was skipped, not tried.
    expect(carrierInvites(answeredA.log).map((i) => i.ruri)).toEqual([expect.stringMatching(/^sip:5550301@/)]);
    expect(await closedCdrOf('carrierFullA')).toMatchObject({ disposition: 'answered' });
  });

  it('every trunk fails with a 5xx (503, then 500): the caller gets 503', async () => {
    const a = await startCarrier(portA, 'carrier-reject.xml', { template: { status: '503', reason: 'Service Unavailable' } });
    const b = await startCarrier(portB, 'carrier-reject.xml', { template: { status: '500', reason: 'Server Internal Error' } });
    const caller = await dialOut(stack, '95550123', 'uac-expect-final.xml', { template: { status: '503' } });
    const [refusedA, refusedB] = await Promise.all([a.finished, b.finished]);
    expect(caller.code, caller.stderr).toBe(0);
    expect(refusedA.code, refusedA.stderr).toBe(0);
    expect(refusedB.code, refusedB.stderr).toBe(0);
  });

  it('carrierA answers 486 Busy Here: no failover, the caller gets 486 and carrierB hears nothing', async () => {
    const a = await startCarrier(portA, 'carrier-reject.xml', { template: { status: '486', reason: 'Busy Here' } });
    const b = await startSilentCarrier(portB);
    const caller = await dialOut(stack, '95550123', 'uac-expect-final.xml', { template: { status: '486' } });
    const refused = await a.finished;
    await pause(300);
    const datagrams = await b.close();
    expect(caller.code, caller.stderr).toBe(0);
    expect(refused.code, refused.stderr).toBe(0);
    expect(datagrams).toEqual([]);
  });
});
