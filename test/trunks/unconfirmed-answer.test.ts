import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../edge/src/logger.js';
import { NO_ACK_REASON } from '../../edge/src/proxy/forking-proxy.js';
import { freePort } from '../support/free-port.js';
import { hasTool } from '../support/require-tool.js';
import { runSipp, type SippResult } from '../support/sipp.js';
import { registerSippDevice, runUas } from '../support/sipp-devices.js';
import { listCdrs, type StoredCdr } from '../support/store-inspect.js';
import { startTestStack, TEST_SEED, type TestStack } from '../support/test-stack.js';
import { pause, trunkUsage, waitForUsage } from './trunk-stack.js';

const DOMAIN = 'acme.test';
const CALLEE = TEST_SEED.tenants[0].users.find((u) => u.ext === '1002')!;
const DID = '5554000';
const ACK_WAIT_SECONDS = 2;

const outcomes = (run: SippResult): string[] => [...run.log.matchAll(/OUTCOME: (\d{3})/g)].map((m) => m[1]);

/**
 * RFC 3261 §13.3.1.4: a 2xx that no ACK confirms in 64·T1 ends the session.
 * A carrier that vanishes after its call was answered (and a callee that
 * never sends the BYE the RFC asks for) must not hold the trunk's slot for
 * ever: after PBX_ACK_WAIT_SECONDS the edge ends the call's accounting, the
 * slot comes back and the CDR says why. An ACKed call is not touched.
 */
describe.runIf(hasTool('sipp'))('an answered call that is never ACKed (SIPp carrier → edge → SIPp device)', () => {
  let stack: TestStack;
  let carrierPort = 0;
  /** The stack's log lines as written (JSON text: a key written twice shows). */
  const logLines: string[] = [];

  const call = (scenario: string, talk = '200') =>
    runSipp({
      scenario, transport: 'udp', target: `127.0.0.1:${stack.sipPort}`, service: DID, localPort: carrierPort, calls: 1,
      vars: { caller: '+15557654321', caller_domain: 'carrier.test' }, template: { talk }, timeoutSeconds: 20,
    });

  /** The device answers `calls` calls (uas-answer.xml); it is stopped after the test's calls. */
  async function answeringDevice(calls: number) {
    const device = await registerSippDevice(`127.0.0.1:${stack.sipPort}`, { ext: CALLEE.ext, password: CALLEE.password, domain: DOMAIN });
    const stop = new AbortController();
    const result = runUas(`127.0.0.1:${stack.sipPort}`, device, 'uas-answer.xml', undefined, stop.signal, calls).catch(() => undefined);
    await pause(400);
    return { stop: async () => { stop.abort(); await result; } };
  }

  const trunkCdrs = async (): Promise<StoredCdr[]> => (await listCdrs(stack, 'acme')).filter((c) => c.trunkId === 'carrier-gone');
  async function closedCdrs(count: number, timeoutMs = 5000): Promise<StoredCdr[]> {
    for (const deadline = Date.now() + timeoutMs; ; await pause(100)) {
      const closed = (await trunkCdrs()).filter((c) => c.state === 'closed');
      if (closed.length >= count || Date.now() > deadline) return closed.sort((a, b) => String(a.startTime).localeCompare(String(b.startTime)));
    }
  }

  beforeAll(async () => {
    carrierPort = await freePort();
    const [acme] = TEST_SEED.tenants;
    stack = await startTestStack({
      seed: { tenants: [{ ...acme, trunks: [{ id: 'carrier-gone', kind: 'ip', host: '127.0.0.1', port: carrierPort, transport: 'udp', routes: [], dids: { [DID]: CALLEE.ext }, maxIncomingCalls: 1 }] }] },
      env: { PBX_ACK_WAIT_SECONDS: String(ACK_WAIT_SECONDS), PBX_PIKE_REQUESTS: '0' },
      logger: createLogger('warn', 'nimbus-edge', new Writable({ write: (chunk, _enc, done) => (logLines.push(...String(chunk).trim().split('\n')), done()) })),
    });
  });
  afterAll(async () => {
    await stack?.dispose();
  });

  it('gives the slot back and closes the CDR as failed after the ACK wait; an ACKed call on the same trunk stays up', async () => {
    const device = await answeringDevice(2);
    try {
      const vanished = await call('carrier-uac-no-ack.xml');
      expect(vanished.code, vanished.stderr).toBe(0);
      expect(outcomes(vanished)).toEqual(['200']);
      // Answered and unconfirmed: the call holds the trunk's one slot…
      expect(await trunkUsage(stack, 'carrier-gone')).toEqual({ in: 1, out: 0, total: 1 });
      // …until the ACK wait is over.
      expect(await waitForUsage(stack, 'carrier-gone', (u) => u.total === 0, (ACK_WAIT_SECONDS + 4) * 1000)).toEqual({ in: 0, out: 0, total: 0 });
      const [ended] = await closedCdrs(1);
      expect(ended).toMatchObject({ disposition: 'failed', status: 200, hangupBy: 'system', reason: NO_ACK_REASON });
      expect(ended.answerTime).toBeDefined();
      // The edge's warning names the call once: its logger carries the Call-ID already (a second "callId" key is a JSON duplicate).
      const warning = logLines.find((line) => line.includes('no ACK for the 2xx'));
      expect(warning?.match(/"callId":/g)).toHaveLength(1);
      expect(JSON.parse(warning!)).toMatchObject({ callId: ended.callId, waitedMs: ACK_WAIT_SECONDS * 1000 });

      // The slot is free again (maxIncomingCalls 1), and a call whose 2xx is ACKed outlives the ACK wait.
      const confirmed = call('carrier-uac-call.xml', String((ACK_WAIT_SECONDS + 2) * 1000));
      await pause((ACK_WAIT_SECONDS + 1) * 1000);
      expect(await trunkUsage(stack, 'carrier-gone')).toEqual({ in: 1, out: 0, total: 1 });
      const run = await confirmed;
      expect(run.code, run.stderr).toBe(0);
      expect(outcomes(run)).toEqual(['200']);
      const [, hungUp] = await closedCdrs(2);
      expect(hungUp).toMatchObject({ disposition: 'answered', status: 200, hangupBy: 'caller' });
      expect(hungUp.reason).toBeUndefined();
      expect(await waitForUsage(stack, 'carrier-gone', (u) => u.total === 0)).toEqual({ in: 0, out: 0, total: 0 });
    } finally {
      await device.stop();
    }
  }, 40_000);
});
