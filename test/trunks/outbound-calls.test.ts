import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { hasTool } from '../support/require-tool.js';
import { waitForCdr } from '../support/store-inspect.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { carrierInvites, dialOut, seedWithTrunks, startCarrier, uriUser } from './trunk-stack.js';

/**
 * Outbound calls through an IP trunk (issue 3): user 1001 dials a trunk
 * prefix, the PBX authenticates it (407), applies the route's strip and
 * sends the INVITE to the carrier — played by SIPp — which answers; the
 * caller hangs up and the CDR names the trunk.
 */
describe.runIf(hasTool('sipp'))('outbound calls through a SIP trunk (SIPp caller ↔ edge ↔ SIPp carrier)', () => {
  let stack: TestStack;
  let carrier1: number;
  let carrierPai: number;
  const seen = new Set<string>();

  beforeAll(async () => {
    carrier1 = await freePort();
    carrierPai = await freePort();
    stack = await startTestStack({
      seed: seedWithTrunks([
        { id: 'carrier1', kind: 'ip', host: '127.0.0.1', port: carrier1, transport: 'udp', routes: [{ prefix: '9', strip: 1 }], maxOutgoingCalls: 2 },
        { id: 'carrierPai', kind: 'ip', host: '127.0.0.1', port: carrierPai, transport: 'udp', routes: [{ prefix: '8', strip: 1 }], callerId: 'pai' },
      ]),
    });
  });
  afterAll(async () => {
    await stack?.dispose();
  });

  it('9 5550123 leaves through carrier1 as sip:5550123@<trunk host>, From the caller; answered and hung up, the CDR says outbound via carrier1', async () => {
    const carrier = await startCarrier(carrier1, 'carrier-answer.xml');
    const caller = await dialOut(stack, '95550123', 'uac-call.xml', { talk: '300' });
    const answered = await carrier.finished;
    expect(caller.code, caller.stderr).toBe(0);
    expect(answered.code, answered.stderr).toBe(0);

    const [invite] = carrierInvites(answered.log);
    // strip 1 removed the "9"; the host is the trunk's domain, which defaults to its host.
    expect(invite.ruri).toMatch(/^sip:5550123@127\.0\.0\.1(:\d+)?(;|$)/);
    expect(uriUser(invite.to)).toBe('5550123');
    // callerId "from" (the default) presents the caller in From, with no P-Asserted-Identity.
    expect(uriUser(invite.from)).toBe('1001');
    expect(invite.pai).toBe('');
    expect(caller.log).toContain('ANSWER-SDP: m=audio');

    const cdr = await waitForCdr(stack, 'acme', (c) => c.trunkId === 'carrier1' && c.state === 'closed' && !seen.has(c.callId));
    seen.add(cdr.callId);
    expect(cdr).toMatchObject({ direction: 'outbound', trunkId: 'carrier1', disposition: 'answered', caller: { ext: '1001' }, hangupBy: 'caller' });
  });

  it('a trunk with callerId "pai" presents the caller in P-Asserted-Identity (RFC 3325)', async () => {
    const carrier = await startCarrier(carrierPai, 'carrier-answer.xml');
    const caller = await dialOut(stack, '85550123', 'uac-call.xml');
    const answered = await carrier.finished;
    expect(caller.code, caller.stderr).toBe(0);
    expect(answered.code, answered.stderr).toBe(0);

    const [invite] = carrierInvites(answered.log);
    expect(invite.ruri).toMatch(/^sip:5550123@127\.0\.0\.1(:\d+)?(;|$)/);
    expect(invite.pai).toContain('1001');
    const cdr = await waitForCdr(stack, 'acme', (c) => c.trunkId === 'carrierPai' && c.state === 'closed' && !seen.has(c.callId));
    seen.add(cdr.callId);
    expect(cdr).toMatchObject({ direction: 'outbound', disposition: 'answered' });
  });
});
