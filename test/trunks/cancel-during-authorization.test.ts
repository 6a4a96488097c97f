import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newBranch, type SipResponse } from '../../sip/index.js';
import { freePort } from '../support/free-port.js';
import { RecordingCallee } from '../support/recording-callee.js';
import { listCdrs } from '../support/store-inspect.js';
import { startTestStack, TEST_SEED, type TestStack } from '../support/test-stack.js';
import { cseqMethod, topBranch, UdpSipPeer } from '../support/udp-sip-peer.js';
import { pause, trunkUsage, waitForUsage } from './trunk-stack.js';

const DOMAIN = 'acme.test';
const CALLEE = TEST_SEED.tenants[0].users.find((u) => u.ext === '1003')!;
const DID = '5556000';
/** How much later than usual authorize-call answers: a cold Lambda, a slow store. */
const AUTHORIZE_DELAY_MS = 400;

/**
 * RFC 3261 §9.2 / §16.10: a CANCEL for an INVITE that has no final response
 * yet gets 200, and the INVITE gets 487. When the CANCEL arrives while the
 * edge is still waiting for authorize-call (the call does not exist yet),
 * the call must not be forked once the decision comes: the device never
 * rings, the caller hears 487, the CDR says cancelled and the trunk slot
 * authorize-call took goes back.
 */
describe('a CANCEL while the INVITE is being authorized (raw carrier → edge → recording device)', () => {
  let stack: TestStack;
  let carrierPort = 0;

  beforeAll(async () => {
    carrierPort = await freePort();
    const [acme] = TEST_SEED.tenants;
    stack = await startTestStack({
      seed: { tenants: [{ ...acme, trunks: [{ id: 'carrier-cancel', kind: 'ip', host: '127.0.0.1', port: carrierPort, transport: 'udp', routes: [], dids: { [DID]: CALLEE.ext }, maxIncomingCalls: 1 }] }] },
      env: { PBX_PIKE_REQUESTS: '0' },
    });
    // The real function, answering later (the edge only transports its result).
    const { invoker } = stack.edge.proxy;
    const invoke = invoker.invoke.bind(invoker);
    invoker.invoke = (async (name, event) => {
      if (name === 'authorize-call') await pause(AUTHORIZE_DELAY_MS);
      return invoke(name, event);
    }) as typeof invoker.invoke;
  });
  afterAll(async () => {
    await stack?.dispose();
  });

  it('answers the CANCEL 200 and the INVITE 487, rings nobody, closes the CDR as cancelled and frees the trunk slot', async () => {
    const device = await RecordingCallee.start({ address: '127.0.0.23', ext: CALLEE.ext, behaviour: 'answer' });
    const carrier = await UdpSipPeer.bind('127.0.0.1', carrierPort);
    try {
      await device.register({ host: '127.0.0.1', port: stack.sipPort }, { password: CALLEE.password, domain: DOMAIN });
      const edge = { host: '127.0.0.1', port: stack.sipPort };
      const callId = `early-cancel-${Date.now()}`;
      const branch = newBranch();
      const lines = (method: string, extra: string[] = [], body = '') =>
        [
          `${method} sip:${DID}@127.0.0.1 SIP/2.0`,
          `Via: SIP/2.0/UDP 127.0.0.1:${carrierPort};branch=${branch};rport`,
          'Max-Forwards: 70',
          'From: <sip:+15550001111@carrier.test>;tag=carrier-1',
          `To: <sip:${DID}@127.0.0.1>`,
          `Call-ID: ${callId}`,
          `CSeq: 1 ${method}`,
          ...extra,
          `Content-Length: ${Buffer.byteLength(body)}`,
          '',
          body,
        ].join('\r\n');
      const response = async (method: string, final: boolean): Promise<SipResponse> => {
        for (;;) {
          const { message } = await carrier.waitFor((m) => m.kind === 'response' && topBranch(m) === branch && cseqMethod(m) === method, 5000, `response to ${method}`);
          const res = message as SipResponse;
          if (!final || res.status >= 200) return res;
        }
      };

      carrier.send(lines('INVITE', [`Contact: <sip:carrier@127.0.0.1:${carrierPort}>`]), edge);
      await pause(50); // the INVITE is with authorize-call now
      carrier.send(lines('CANCEL'), edge);
      expect((await response('CANCEL', true)).status).toBe(200);
      const final = await response('INVITE', true);
      expect({ status: final.status, reason: final.reason }).toEqual({ status: 487, reason: 'Request Terminated' });

      // Past the decision: the device was never asked, and the slot came back.
      await pause(AUTHORIZE_DELAY_MS + 200);
      expect(device.invites).toHaveLength(0);
      expect(await waitForUsage(stack, 'carrier-cancel', (u) => u.total === 0)).toEqual({ in: 0, out: 0, total: 0 });
      let cdr;
      for (const deadline = Date.now() + 5000; !cdr && Date.now() < deadline; await pause(100)) {
        cdr = (await listCdrs(stack, 'acme')).find((c) => c.callId === callId && c.state === 'closed');
      }
      expect(cdr).toMatchObject({ disposition: 'cancelled', status: 487, hangupBy: 'caller', trunkId: 'carrier-cancel' });
      expect(await trunkUsage(stack, 'carrier-cancel')).toEqual({ in: 0, out: 0, total: 0 });
    } finally {
      await carrier.close();
      await device.close();
    }
  }, 20_000);
});
