import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { hasTool } from '../support/require-tool.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { carrierInvites, dialOut, pause, seedWithTrunks, startCarrier, startSilentCarrier, trunkUsage, waitForUsage } from './trunk-stack.js';

/**
 * Trunk call limits on outbound calls (MSS maxOutgoingCalls): a full trunk
 * refuses the next call with 503 "All trunks busy", a limit of 0 disables
 * the trunk for outbound calls (403, the carrier never hears of it), no limit
 * means no limit — and every slot taken is given back when the call ends.
 */
describe.runIf(hasTool('sipp'))('outbound trunk call limits (SIPp caller ↔ edge ↔ SIPp carrier)', () => {
  let stack: TestStack;
  let limited: number;
  let disabled: number;
  let unlimited: number;

  beforeAll(async () => {
    limited = await freePort();
    disabled = await freePort();
    unlimited = await freePort();
    stack = await startTestStack({
      seed: seedWithTrunks([
        { id: 'carrier1', kind: 'ip', host: '127.0.0.1', port: limited, transport: 'udp', routes: [{ prefix: '9', strip: 1 }], maxOutgoingCalls: 2 },
        { id: 'carrierOff', kind: 'ip', host: '127.0.0.1', port: disabled, transport: 'udp', routes: [{ prefix: '6', strip: 1 }], maxOutgoingCalls: 0 },
        { id: 'carrierFree', kind: 'ip', host: '127.0.0.1', port: unlimited, transport: 'udp', routes: [{ prefix: '7', strip: 1 }] },
      ]),
      env: { PBX_PIKE_REQUESTS: '0' },
    });
  });
  afterAll(async () => {
    await stack?.dispose();
  });

  it('maxOutgoingCalls 2: of three overlapping calls two connect and the third gets 503 "All trunks busy"; the slots come back, and a new call connects', async () => {
    const carrier = await startCarrier(limited, 'carrier-answer.xml', { calls: 3 });
    // Two calls answered and held (the callers hang up after 4 s) fill the trunk.
    const held = [dialOut(stack, '95550101', 'uac-call.xml', { talk: '4000' }), dialOut(stack, '95550102', 'uac-call.xml', { talk: '4000' })];
    await waitForUsage(stack, 'carrier1', (u) => u.out === 2).catch(() => pause(1_500));

    const third = await dialOut(stack, '95550103', 'uac-expect-final.xml', { template: { status: '503' } });
    expect(third.code, third.stderr).toBe(0);
    expect(third.log).toMatch(/STATUS: SIP\/2\.0 503 All trunks busy/i);
    expect((await trunkUsage(stack, 'carrier1')).out).toBe(2);

    for (const caller of await Promise.all(held)) expect(caller.code, caller.stderr).toBe(0);
    // Both hung up: no slot leaks, the refused call's included.
    expect((await waitForUsage(stack, 'carrier1', (u) => u.out === 0)).out).toBe(0);

    const again = await dialOut(stack, '95550104', 'uac-call.xml');
    expect(again.code, again.stderr).toBe(0);
    const answered = await carrier.finished;
    expect(answered.code, answered.stderr).toBe(0);
    // The carrier never saw the refused call.
    expect(carrierInvites(answered.log).map((i) => i.ruri.replace(/@.*/, ''))).toEqual(expect.arrayContaining(['sip:5550101', 'sip:5550102', 'sip:5550104']));
    expect(carrierInvites(answered.log).some((i) => i.ruri.startsWith('sip:5550103@'))).toBe(false);
    expect(await waitForUsage(stack, 'carrier1', (u) => u.out === 0 && u.total === 0)).toMatchObject({ out: 0, total: 0 });
  });

  it('maxOutgoingCalls 0 disables the trunk for outbound calls: the caller gets 403 and the carrier hears nothing', async () => {
    const carrier = await startSilentCarrier(disabled);
    const caller = await dialOut(stack, '65550123', 'uac-expect-final.xml', { template: { status: '403' } });
    await pause(300);
    const datagrams = await carrier.close();
    expect(caller.code, caller.stderr).toBe(0);
    expect(datagrams).toEqual([]);
    expect((await trunkUsage(stack, 'carrierOff')).out).toBe(0);
  });

  it('no maxOutgoingCalls means no limit: three overlapping calls all connect', async () => {
    const carrier = await startCarrier(unlimited, 'carrier-answer.xml', { calls: 3 });
    const callers = await Promise.all(['75550201', '75550202', '75550203'].map((n) => dialOut(stack, n, 'uac-call.xml', { talk: '1500' })));
    for (const caller of callers) expect(caller.code, caller.stderr).toBe(0);
    const answered = await carrier.finished;
    expect(answered.code, answered.stderr).toBe(0);
    expect(carrierInvites(answered.log)).toHaveLength(3);
    expect((await waitForUsage(stack, 'carrierFree', (u) => u.out === 0)).out).toBe(0);
  });
});
