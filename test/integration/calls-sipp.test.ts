import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTool } from '../support/require-tool.js';
import { runSipp, type SippResult } from '../support/sipp.js';
import { registerSippDevice, runUas, type SippDevice } from '../support/sipp-devices.js';
import { waitForCdr } from '../support/store-inspect.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

const DOMAIN = 'acme.test';
const SEED = {
  tenants: [
    {
      id: 'acme',
      domains: [DOMAIN, '127.0.0.1'],
      users: [
        { ext: '2001', password: 'pw-2001-caller', displayName: 'Caller' },
        { ext: '2002', password: 'pw-2002-callee', displayName: 'Callee' },
        { ext: '2003', password: 'pw-2003-multi', multiDevice: true, maxDevices: 3 },
        { ext: '2004', password: 'pw-2004-offline' },
        { ext: '2005', password: 'pw-2005-busyline' },
        { ext: '2006', password: 'pw-2006-noanswer' },
        { ext: '2008', password: 'pw-2008-no-outgoing', maxOutgoingCalls: 0 },
        { ext: '2009', password: 'pw-2009-no-calls', maxCalls: 0 },
      ],
    },
  ],
};
const PASSWORDS = Object.fromEntries(SEED.tenants[0].users.map((u) => [u.ext, u.password]));

/**
 * Calls between users through the edge, SIPp on both ends (RFC 3261 §16
 * stateful proxy): set-up, ringing, answer, ACK and BYE along the
 * Record-Route path, CANCEL, busy, no answer, unknown and offline callees,
 * forking to a multi-device user — each call leaving the CDR that matches it.
 */
describe.runIf(hasTool('sipp'))('calls between users (SIPp ↔ edge ↔ SIPp)', () => {
  let stack: TestStack;
  const target = () => `127.0.0.1:${stack.sipPort}`;
  const device = (ext: string, transport: 'udp' | 'tcp' = 'udp') => registerSippDevice(target(), { ext, password: PASSWORDS[ext], domain: DOMAIN }, transport);
  const call = (callee: string, scenario: string, opts: { transport?: 'udp' | 'tcp'; talk?: string; template?: Record<string, string>; caller?: string } = {}) =>
    runSipp({
      scenario,
      transport: opts.transport ?? 'udp',
      target: target(),
      service: callee,
      authUser: opts.caller ?? '2001',
      password: PASSWORDS[opts.caller ?? '2001'],
      vars: { domain: DOMAIN, caller: opts.caller ?? '2001', ...(opts.talk ? { talk: opts.talk } : {}) },
      template: opts.template,
      timeoutSeconds: 30,
    });
  /** Starts the device's scenario, gives SIPp a moment to bind, then places the call. */
  async function both(uas: Promise<SippResult>, uac: () => Promise<SippResult>): Promise<[SippResult, SippResult]> {
    await new Promise((r) => setTimeout(r, 400));
    const caller = await uac();
    return [caller, await uas];
  }

  beforeAll(async () => {
    stack = await startTestStack({ seed: SEED, env: { PBX_TIMER_C_SECONDS: '3' } });
  });
  afterAll(async () => {
    await stack?.dispose();
  });

  it.each([
    ['udp', 'udp'],
    ['tcp', 'tcp'],
    ['udp', 'tcp'],
  ] as const)('caller on %s calls a device on %s: 180, 200, ACK and BYE pass the edge; the CDR says answered', async (callerTransport, calleeTransport) => {
    const callee = await device('2002', calleeTransport);
    const [caller, uas] = await both(runUas(target(), callee, 'uas-answer.xml'), () => call('2002', 'uac-call.xml', { transport: callerTransport, talk: '300' }));
    expect(caller.code, caller.stderr).toBe(0);
    expect(uas.code, uas.stderr).toBe(0);
    // The device sees the edge in the route set; the SDP passed through unchanged.
    expect(uas.log).toMatch(/RECORD-ROUTE: .*;lr/);
    expect(caller.log).toContain('ANSWER-SDP: m=audio');
    const cdr = await waitForCdr(stack, 'acme', (c) => c.callee?.ext === '2002' && c.state === 'closed' && !seen.has(c.callId));
    seen.add(cdr.callId);
    expect(cdr).toMatchObject({ direction: 'internal', disposition: 'answered', status: 200, hangupBy: 'caller', caller: { ext: '2001' } });
    expect(cdr.answeredBy?.contact).toContain(`:${callee.port}`);
    expect(cdr.talkSeconds).toBeGreaterThanOrEqual(0);
    expect(Date.parse(cdr.answerTime!)).toBeGreaterThanOrEqual(Date.parse(cdr.alertTime!));
  });

  it('the callee hangs up: its BYE follows the route set back to the caller; the CDR says the callee hung up', async () => {
    const callee = await device('2002');
    const [caller, uas] = await both(runUas(target(), callee, 'uas-answer-hangup.xml'), () => call('2002', 'uac-call-callee-hangs-up.xml'));
    expect(caller.code, caller.stderr).toBe(0);
    expect(uas.code, uas.stderr).toBe(0);
    const cdr = await waitForCdr(stack, 'acme', (c) => c.callee?.ext === '2002' && c.state === 'closed' && !seen.has(c.callId));
    seen.add(cdr.callId);
    expect(cdr).toMatchObject({ disposition: 'answered', hangupBy: 'callee' });
  });

  it('the caller cancels while it rings: CANCEL reaches the device, the caller gets 487; the CDR says cancelled', async () => {
    const callee = await device('2006');
    const [caller, uas] = await both(runUas(target(), callee, 'uas-ring.xml'), () => call('2006', 'uac-cancel.xml', { talk: '300' }));
    expect(caller.code, caller.stderr).toBe(0);
    expect(uas.code, uas.stderr).toBe(0);
    const cdr = await waitForCdr(stack, 'acme', (c) => c.callee?.ext === '2006' && c.state === 'closed' && !seen.has(c.callId));
    seen.add(cdr.callId);
    expect(cdr).toMatchObject({ disposition: 'cancelled', status: 487, hangupBy: 'caller' });
    expect(cdr.talkSeconds ?? 0).toBe(0);
  });

  it('a busy device: the caller gets 486; the CDR says busy', async () => {
    const callee = await device('2005');
    const [caller, uas] = await both(runUas(target(), callee, 'uas-reject.xml', { status: '486', reason: 'Busy Here' }), () =>
      call('2005', 'uac-expect-final.xml', { template: { status: '486' } }),
    );
    expect(caller.code, caller.stderr).toBe(0);
    expect(uas.code, uas.stderr).toBe(0);
    const cdr = await waitForCdr(stack, 'acme', (c) => c.callee?.ext === '2005' && c.state === 'closed' && !seen.has(c.callId));
    seen.add(cdr.callId);
    expect(cdr).toMatchObject({ disposition: 'busy', status: 486 });
  });

  it('nobody answers: Timer C cancels the ringing branch and the caller gets 408; the CDR says no-answer', async () => {
    const callee = await device('2006');
    const [caller, uas] = await both(runUas(target(), callee, 'uas-ring.xml'), () => call('2006', 'uac-expect-final.xml', { template: { status: '408' } }));
    expect(caller.code, caller.stderr).toBe(0);
    expect(uas.code, uas.stderr).toBe(0);
    const cdr = await waitForCdr(stack, 'acme', (c) => c.callee?.ext === '2006' && c.state === 'closed' && !seen.has(c.callId));
    seen.add(cdr.callId);
    expect(cdr).toMatchObject({ disposition: 'no-answer', status: 408 });
  });

  it.each([
    ['an unknown extension', '2001', '2999', '404', 'failed'],
    ['a known user with no device registered', '2001', '2004', '480', 'failed'],
    ['a caller whose outgoing limit is 0 (MSS maxOutgoingCalls)', '2008', '2002', '403', 'rejected'],
    ['a callee whose call limit is 0 (MSS maxCalls)', '2001', '2009', '486', 'rejected'],
  ])('%s', async (_what, callerExt, callee, status, disposition) => {
    if (callee === '2009' || callee === '2002') await device(callee);
    const caller = await call(callee, 'uac-expect-final.xml', { template: { status }, caller: callerExt });
    expect(caller.code, caller.stderr).toBe(0);
    if (status === '403') expect(caller.log).toMatch(/STATUS: SIP\/2\.0 403 Outgoing call/i);
    const cdr = await waitForCdr(stack, 'acme', (c) => c.callee?.ext === callee && c.caller?.ext === callerExt && c.state === 'closed' && !seen.has(c.callId));
    seen.add(cdr.callId);
    expect(cdr).toMatchObject({ disposition, status: Number(status), hangupBy: 'system' });
  });

  it('a multi-device user: both devices ring, one answers, the other gets CANCEL with "Call completed elsewhere"', async () => {
    const first = await device('2003');
    const second = await device('2003');
    const answering = runUas(target(), first, 'uas-answer.xml');
    const ringing = runUas(target(), second, 'uas-ring.xml');
    await new Promise((r) => setTimeout(r, 400));
    const caller = await call('2003', 'uac-call.xml', { talk: '300' });
    const [answered, cancelled] = await Promise.all([answering, ringing]);
    expect(caller.code, caller.stderr).toBe(0);
    expect(answered.code, answered.stderr).toBe(0);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(cancelled.log).toMatch(/CANCEL-REASON: +SIP;cause=200;text="Call completed elsewhere"/);
    const cdr = await waitForCdr(stack, 'acme', (c) => c.callee?.ext === '2003' && c.state === 'closed' && !seen.has(c.callId));
    seen.add(cdr.callId);
    expect(cdr.answeredBy?.contact).toContain(`:${first.port}`);
  });

  const seen = new Set<string>();
});

export type { SippDevice };
