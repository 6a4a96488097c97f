import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { hasTool } from '../support/require-tool.js';
import { runSipp, type SippResult } from '../support/sipp.js';
import { registerSippDevice, runUas } from '../support/sipp-devices.js';
import { listCdrs, waitForCdr } from '../support/store-inspect.js';
import { startTestStack, TEST_SEED, type TestStack } from '../support/test-stack.js';
import { trunkUsage as sharedUsage, type TrunkUsage } from './trunk-stack.js';

const DOMAIN = 'acme.test';
const CARRIER_CALLER = '+15557654321';
const DID = '5551000';
const PASSWORDS: Record<string, string> = Object.fromEntries(TEST_SEED.tenants[0].users.map((u) => [u.ext, u.password]));

/** "OUTCOME: <status>" lines the carrier scenario logs, one per call. */
const outcomes = (run: SippResult): string[] => [...run.log.matchAll(/OUTCOME: (\d{3})/g)].map((m) => m[1]);

/**
 * Calls INTO the PBX on an IP trunk (issue 3), a SIPp carrier on one side and
 * a registered SIPp device on the other: the trunk is recognised by the
 * source address and port of the request (no digest challenge, the carrier
 * has no credentials), the DID maps to an extension, and the CDR names the
 * trunk and the outside caller. The same From from an unknown source is just
 * an anonymous caller (challenged, never routed).
 */
describe.runIf(hasTool('sipp'))('inbound calls on an IP trunk (SIPp carrier → edge → SIPp device)', () => {
  let stack: TestStack;
  let carrierPort: number;
  const target = () => `127.0.0.1:${stack.sipPort}`;
  const seen = new Set<string>();

  /** The carrier sends one call to `did` from `localPort` (the trunk's port unless told). */
  const carrierCall = (did: string, opts: { localPort?: number; talk?: string } = {}) =>
    runSipp({
      scenario: 'carrier-uac-call.xml',
      transport: 'udp',
      target: target(),
      service: did,
      localPort: opts.localPort ?? carrierPort,
      vars: { caller: CARRIER_CALLER, caller_domain: 'carrier.test' },
      template: { talk: opts.talk ?? '300' },
      timeoutSeconds: 20,
    });

  /**
   * A registered device of `ext` answering `calls` calls. `done()` gives it a
   * moment to finish, then stops it: a call that never reached it must fail
   * the test on its own assertions, not hang it.
   */
  async function answeringDevice(ext: string, calls = 1) {
    const device = await registerSippDevice(target(), { ext, password: PASSWORDS[ext], domain: DOMAIN });
    const stop = new AbortController();
    const result = runUas(target(), device, 'uas-answer.xml', undefined, stop.signal, calls);
    await new Promise((r) => setTimeout(r, 400));
    return {
      port: device.port,
      done: async (graceMs = 3000): Promise<SippResult> => {
        const timer = setTimeout(() => stop.abort(), graceMs);
        try {
          return await result;
        } finally {
          clearTimeout(timer);
        }
      },
    };
  }

  const trunkUsage = (trunkId: string) => sharedUsage(stack, trunkId);

  beforeAll(async () => {
    carrierPort = await freePort();
    const seed = {
      tenants: [
        {
          ...TEST_SEED.tenants[0],
          trunks: [
            {
              id: 'carrier1', kind: 'ip', host: '127.0.0.1', port: carrierPort, transport: 'udp',
              routes: [{ prefix: '9', strip: 1 }], dids: { [DID]: '1001' }, maxIncomingCalls: 2,
            },
          ],
        },
      ],
    };
    stack = await startTestStack({ seed, env: { PBX_TIMER_C_SECONDS: '5', PBX_PIKE_REQUESTS: '0' } });
  });
  afterAll(async () => {
    await stack?.dispose();
  });

  it('a call from the carrier\'s address to a DID rings the mapped extension, no challenge; the CDR says inbound on the trunk', async () => {
    const device = await answeringDevice('1001');
    const carrier = await carrierCall(DID, { talk: '500' });
    const answered = await device.done();
    expect(carrier.code, carrier.stderr).toBe(0);
    // 200 straight away: the scenario has no credentials, so a 407 would have shown here as "OUTCOME: 407".
    expect(outcomes(carrier)).toEqual(['200']);
    expect(answered.code, answered.stderr).toBe(0);
    // The device got the call at its registered contact (DID 5551000 → 1001).
    expect(answered.log).toMatch(new RegExp(`INVITE-URI: sip:1001@127\\.0\\.0\\.1:${device.port}`));

    const cdr = await waitForCdr(stack, 'acme', (c) => c.callee?.ext === '1001' && c.state === 'closed' && !seen.has(c.callId));
    seen.add(cdr.callId);
    expect(cdr).toMatchObject({
      direction: 'inbound',
      trunkId: 'carrier1',
      caller: { ext: CARRIER_CALLER },
      callee: { ext: '1001' },
      disposition: 'answered',
      hangupBy: 'caller',
    });
    expect(cdr.answeredBy?.contact).toContain(`:${device.port}`);
    // The trunk's slot is back once the call ended (the admin API reads the live counters).
    expect(await waitForUsage(() => trunkUsage('carrier1'), (u) => u.total === 0, 3000)).toEqual({ in: 0, out: 0, total: 0 });
  });

  it('a DID the trunk does not map: 404, and no device rings', async () => {
    const device = await answeringDevice('1001');
    const carrier = await carrierCall('5559999');
    expect((await device.done(0)).log).not.toContain('INVITE-URI');
    expect(carrier.code, carrier.stderr).toBe(0);
    expect(outcomes(carrier)).toEqual(['404']);
    expect(await trunkUsage('carrier1')).toEqual({ in: 0, out: 0, total: 0 });
  });

  it('the same From from an unknown source address:port is an anonymous caller: challenged (407), never routed', async () => {
    const device = await answeringDevice('1001');
    const before = (await listCdrs(stack, 'acme')).length;
    let strangerPort = await freePort();
    while (strangerPort === carrierPort) strangerPort = await freePort();
    const stranger = await carrierCall(DID, { localPort: strangerPort });
    expect((await device.done(0)).log).not.toContain('INVITE-URI');
    expect(stranger.code, stranger.stderr).toBe(0);
    expect(outcomes(stranger)).toEqual(['407']);
    // A challenge is no call: no CDR, no trunk slot.
    expect(await listCdrs(stack, 'acme')).toHaveLength(before);
    expect(await trunkUsage('carrier1')).toEqual({ in: 0, out: 0, total: 0 });
  });

  it('GET /trunks lists the trunk with its live usage while an inbound call is up, and 0 again after', async () => {
    const device = await answeringDevice('1001');
    const carrier = carrierCall(DID, { talk: '3000' });
    const during = await waitForUsage(() => trunkUsage('carrier1'), (u) => u.in === 1, 3000);
    const ended = await carrier;
    const answered = await device.done();
    expect(during).toEqual({ in: 1, out: 0, total: 1 });
    expect(outcomes(ended)).toEqual(['200']);
    expect(answered.code, answered.stderr).toBe(0);
    expect(await waitForUsage(() => trunkUsage('carrier1'), (u) => u.total === 0, 3000)).toEqual({ in: 0, out: 0, total: 0 });
  });
});

/** Polls the usage until `match` holds (calls end asynchronously from the SIP exchange) or the time is up. */
async function waitForUsage(read: () => Promise<TrunkUsage>, match: (u: TrunkUsage) => boolean, timeoutMs: number): Promise<TrunkUsage> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const usage = await read();
    if (match(usage) || Date.now() > deadline) return usage;
    await new Promise((r) => setTimeout(r, 100));
  }
}
