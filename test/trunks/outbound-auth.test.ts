import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { hasTool } from '../support/require-tool.js';
import { waitForCdr } from '../support/store-inspect.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { dialOut, readTrace, seedWithTrunks, startCarrier, traceFilePath } from './trunk-stack.js';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/**
 * RFC 2617 §3.2.2 without qop (the carrier's challenge offers none), computed
 * here independently of the PBX's digest code: does the response prove pw77?
 */
function provesPassword(header: string, password: string, method: string): boolean {
  const param = (name: string) => new RegExp(`(?:^|[\\s,])${name}="?([^",]*)"?`).exec(header)?.[1] ?? '';
  const ha1 = md5(`${param('username')}:${param('realm')}:${password}`);
  const ha2 = md5(`${method}:${param('uri')}`);
  return param('response') === md5(`${ha1}:${param('nonce')}:${ha2}`);
}

/**
 * A carrier that challenges the PBX's outbound INVITE (RFC 3261 §22.2,
 * §22.3): the PBX answers with the trunk's credentials in a new INVITE of
 * the same call, one CSeq higher, so from then on the carrier's dialog and
 * the caller's count CSeq differently. The carrier scenarios check that the
 * ACK and BYE they get use the carrier-side numbers; the caller's message
 * trace shows it kept its own — the challenge stays invisible to the caller.
 */
describe.runIf(hasTool('sipp'))('outbound calls to a carrier that challenges (SIPp caller ↔ edge ↔ SIPp carrier)', () => {
  let stack: TestStack;
  let carrierPort: number;
  let wrongPasswordPort: number;
  const seen = new Set<string>();

  beforeAll(async () => {
    carrierPort = await freePort();
    wrongPasswordPort = await freePort();
    stack = await startTestStack({
      seed: seedWithTrunks([
        { id: 'carrierAuth', kind: 'ip', host: '127.0.0.1', port: carrierPort, transport: 'udp', routes: [{ prefix: '9', strip: 1 }], username: 'acct77', password: 'pw77', realm: 'carrier.test' },
        { id: 'carrierBadPw', kind: 'ip', host: '127.0.0.1', port: wrongPasswordPort, transport: 'udp', routes: [{ prefix: '8', strip: 1 }], username: 'acct77', password: 'not-pw77', realm: 'carrier.test' },
      ]),
    });
  });
  afterAll(async () => {
    await stack?.dispose();
  });

  /** The caller's view: a plain call (1 INVITE challenged by the PBX, 2 INVITE answered, 3 BYE), its own CSeq numbers on every response. */
  async function expectPlainCallerDialog(traceFile: string) {
    const received = (await readTrace(traceFile)).filter((m) => m.direction === 'received').map((m) => `${m.startLine.replace(/^SIP\/2\.0 (\d+).*/, '$1')} ${m.cseq}`);
    expect(received).toContain('200 2 INVITE');
    expect(received).toContain('200 3 BYE');
    // The carrier's challenge never reaches the caller (the PBX's own 407 answers CSeq 1).
    expect(received.filter((r) => /^40[17] /.test(r))).toEqual(['407 1 INVITE']);
  }

  it.each([
    ['407 with Proxy-Authenticate', 'carrier-challenge-407.xml'],
    ['401 with WWW-Authenticate', 'carrier-challenge-401.xml'],
  ])('challenged with %s: the PBX retries with the trunk credentials; ACK and BYE carry the carrier dialog’s CSeq; the caller sees a normal call', async (_what, scenario) => {
    const carrier = await startCarrier(carrierPort, scenario);
    const traceFile = await traceFilePath();
    const caller = await dialOut(stack, '95550123', 'uac-call.xml', { traceFile, timeoutSeconds: 15 });
    const challenged = await carrier.finished;
    expect(caller.code, caller.stderr).toBe(0);
    expect(challenged.code, `${challenged.log}\n${challenged.stderr}`).toBe(0);
    expect(challenged.log).toContain('CSEQ-FAULTS: false false false');
    if (scenario === 'carrier-challenge-401.xml') {
      expect(challenged.log).toContain('AUTH: true');
    } else {
      const credentials = /^PROXY-AUTHORIZATION: (.*)$/m.exec(challenged.log)?.[1] ?? '';
      expect(credentials).toMatch(/username="acct77"/);
      expect(provesPassword(credentials, 'pw77', 'INVITE')).toBe(true);
    }
    await expectPlainCallerDialog(traceFile);

    const cdr = await waitForCdr(stack, 'acme', (c) => c.trunkId === 'carrierAuth' && c.state === 'closed' && !seen.has(c.callId));
    seen.add(cdr.callId);
    expect(cdr).toMatchObject({ direction: 'outbound', disposition: 'answered' });
  });

  it('a wrong trunk password: the carrier refuses the retried INVITE with 403, which reaches the caller as a final answer', async () => {
    const carrier = await startCarrier(wrongPasswordPort, 'carrier-challenge-401.xml');
    const caller = await dialOut(stack, '85550123', 'uac-expect-final.xml', { template: { status: '403' }, timeoutSeconds: 15 });
    const refused = await carrier.finished;
    expect(caller.code, caller.stderr).toBe(0);
    expect(caller.log).toMatch(/STATUS: SIP\/2\.0 403/);
    // The carrier scenario fails by design on bad credentials; its log says why.
    expect(refused.log).toContain('AUTH: invalid');
    // The first INVITE and its one retry with the (wrong) credentials.
    expect(refused.log.match(/^INVITE cseq=/gm)).toHaveLength(2);
  });
});
