import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { hasTool } from '../support/require-tool.js';
import { runSipp, type SippResult } from '../support/sipp.js';
import { registerSippDevice, runUas } from '../support/sipp-devices.js';
import { startTestStack, TEST_SEED, type TestStack } from '../support/test-stack.js';
import { trunkUsage as sharedUsage, waitForUsage as sharedWait, type TrunkUsage } from './trunk-stack.js';

const DOMAIN = 'acme.test';
const PASSWORDS: Record<string, string> = Object.fromEntries(TEST_SEED.tenants[0].users.map((u) => [u.ext, u.password]));

/** "OUTCOME: <status>" lines the carrier scenario logs, one per call, sorted so a burst compares as a multiset. */
const outcomes = (run: SippResult): string[] => [...run.log.matchAll(/OUTCOME: (\d{3})/g)].map((m) => m[1]).sort();

/**
 * The MSS per-trunk limit maxIncomingCalls on inbound calls (issue 3): a
 * burst from the carrier's one address takes at most the limit's slots, the
 * call beyond it hears 486 Busy Here (the carrier may route it elsewhere,
 * RFC 3261 §21.4.24), the slots come back when the calls end; 0 disables the
 * direction (403); no limit lets every call in.
 */
describe.runIf(hasTool('sipp'))('inbound trunk call limits (SIPp carrier bursts → edge → SIPp device)', () => {
  let stack: TestStack;
  const carrierPorts = { limited: 0, disabled: 0, open: 0, offline: 0 };
  const target = () => `127.0.0.1:${stack.sipPort}`;

  /** `calls` calls from the carrier at `port` to `did`, started 100 ms apart (SIPp's default rate), each held `talk` ms. */
  const carrierBurst = (port: number, did: string, calls: number, talk: string) =>
    runSipp({
      scenario: 'carrier-uac-call.xml',
      transport: 'udp',
      target: target(),
      service: did,
      localPort: port,
      calls,
      vars: { caller: '+15557654321', caller_domain: 'carrier.test' },
      template: { talk },
      timeoutSeconds: 20,
    });

  /** A registered device answering up to `calls` calls; `done()` gives it a moment, then stops it (never hangs the test). */
  async function answeringDevice(ext: string, calls: number) {
    const device = await registerSippDevice(target(), { ext, password: PASSWORDS[ext], domain: DOMAIN });
    const stop = new AbortController();
    const result = runUas(target(), device, 'uas-answer.xml', undefined, stop.signal, calls);
    await new Promise((r) => setTimeout(r, 400));
    return {
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

  const waitForUsage = (trunkId: string, match: (u: TrunkUsage) => boolean, timeoutMs = 3000) => sharedWait(stack, trunkId, match, timeoutMs);

  beforeAll(async () => {
    carrierPorts.limited = await freePort();
    carrierPorts.disabled = await freePort();
    carrierPorts.open = await freePort();
    carrierPorts.offline = await freePort();
    const trunk = (id: string, port: number, did: string, ext: string, limit?: number) => ({
      id, kind: 'ip', host: '127.0.0.1', port, transport: 'udp', routes: [], dids: { [did]: ext },
      ...(limit !== undefined ? { maxIncomingCalls: limit } : {}),
    });
    const seed = {
      tenants: [
        {
          ...TEST_SEED.tenants[0],
          users: [...TEST_SEED.tenants[0].users, { ext: '1009', password: 'pw-1009-never-registers' }],
          trunks: [
            trunk('carrier1', carrierPorts.limited, '5551000', '1001', 2),
            trunk('carrier-off', carrierPorts.disabled, '5552000', '1002', 0),
            trunk('carrier-open', carrierPorts.open, '5553000', '1003'),
            trunk('carrier-offline', carrierPorts.offline, '5554000', '1009', 1),
          ],
        },
      ],
    };
    stack = await startTestStack({ seed, env: { PBX_TIMER_C_SECONDS: '5', PBX_PIKE_REQUESTS: '0' } });
  });
  afterAll(async () => {
    await stack?.dispose();
  });

  it('maxIncomingCalls 2: of three simultaneous calls two connect and the third gets 486; once they end a new call connects', async () => {
    // Up to 3 calls: the two of the burst, then the one after it.
    const device = await answeringDevice('1001', 3);
    const burst = carrierBurst(carrierPorts.limited, '5551000', 3, '3000');
    // While the two are held, both slots are taken.
    const held = await waitForUsage('carrier1', (u) => u.in === 2);
    const burstResult = await burst;
    expect(burstResult.code, burstResult.stderr).toBe(0);
    expect(outcomes(burstResult)).toEqual(['200', '200', '486']);
    expect(held).toEqual({ in: 2, out: 0, total: 2 });
    expect(await waitForUsage('carrier1', (u) => u.total === 0)).toEqual({ in: 0, out: 0, total: 0 });

    const after = await carrierBurst(carrierPorts.limited, '5551000', 1, '200');
    const answered = await device.done();
    expect(outcomes(after)).toEqual(['200']);
    expect(answered.code, answered.stderr).toBe(0);
    expect([...answered.log.matchAll(/INVITE-URI:/g)]).toHaveLength(3);
    expect(await waitForUsage('carrier1', (u) => u.total === 0)).toEqual({ in: 0, out: 0, total: 0 });
  });

  it('maxIncomingCalls 0: the direction is disabled, the carrier gets 403 and no device rings', async () => {
    const device = await answeringDevice('1002', 1);
    const refused = await carrierBurst(carrierPorts.disabled, '5552000', 1, '200');
    expect((await device.done(0)).log).not.toContain('INVITE-URI');
    expect(refused.code, refused.stderr).toBe(0);
    expect(outcomes(refused)).toEqual(['403']);
    expect(await trunkUsage('carrier-off')).toEqual({ in: 0, out: 0, total: 0 });
  });

  it('no maxIncomingCalls: three simultaneous calls all connect', async () => {
    const device = await answeringDevice('1003', 3);
    const burst = carrierBurst(carrierPorts.open, '5553000', 3, '2000');
    const held = await waitForUsage('carrier-open', (u) => u.in === 3);
    const burstResult = await burst;
    const answered = await device.done();
    expect(burstResult.code, burstResult.stderr).toBe(0);
    expect(outcomes(burstResult)).toEqual(['200', '200', '200']);
    expect(held).toMatchObject({ in: 3 });
    expect(answered.code, answered.stderr).toBe(0);
    expect(await waitForUsage('carrier-open', (u) => u.total === 0)).toEqual({ in: 0, out: 0, total: 0 });
  });

  it('a DID whose user has no device: 480, and the slot taken meanwhile is given back', async () => {
    // authorize-call takes the trunk slot while it reads the callee's devices (functions/src/trunks/inbound-trunk-call.ts).
    for (let i = 0; i < 2; i++) {
      const refused = await carrierBurst(carrierPorts.offline, '5554000', 1, '200');
      expect(refused.code, refused.stderr).toBe(0);
      expect(outcomes(refused)).toEqual(['480']);
      expect(await waitForUsage('carrier-offline', (u) => u.total === 0)).toEqual({ in: 0, out: 0, total: 0 });
    }
  });
});
