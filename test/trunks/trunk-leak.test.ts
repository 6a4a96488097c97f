import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { startPbxProcess, waitHealthy, type PbxProcess } from '../support/pbx-process.js';
import { hasTool } from '../support/require-tool.js';
import { runSipp, type SippResult } from '../support/sipp.js';
import { waitForCdr } from '../support/store-inspect.js';
import { startTestStack, TEST_SEED, type TestStack } from '../support/test-stack.js';
import { waitUntilUdpBound } from './udp-port-probe.js';
import { trunkUsage as sharedUsage, waitForUsage as sharedWait, type TrunkUsage } from './trunk-stack.js';

const DOMAIN = 'acme.test';
const PASSWORDS: Record<string, string> = Object.fromEntries(TEST_SEED.tenants[0].users.map((u) => [u.ext, u.password]));
/** Short heartbeat and reaper period (contracts/settings/edge-settings.ts): a dead edge's leases lapse 3 beats after its last one. */
const FAST = { PBX_HEARTBEAT_SECONDS: '1', PBX_REAPER_INTERVAL_SECONDS: '1' };
/** Generous against the documented bound (3 × heartbeat + reaper period = 4 s here): the test proves the slot comes back, not how fast. */
const RECLAIM_DEADLINE_MS = 20_000;

const outcomes = (run: SippResult): string[] => [...run.log.matchAll(/OUTCOME: (\d{3})/g)].map((m) => m[1]);

/**
 * No trunk slot leaks when an edge dies mid-call (issue 3): the slot is a
 * lease of the edge carrying the call, so once that edge's heartbeat lapses
 * the reaper of a surviving edge gives it back. The edge is a real child
 * process killed with SIGKILL: no BYE, no release, no goodbye beat.
 */
describe.runIf(hasTool('sipp'))('a trunk slot held by an edge that is SIGKILLed', () => {
  let survivor: TestStack;
  let doomed: PbxProcess | undefined;
  let doomedDir: string;
  let doomedSipPort: number;
  let doomedHttpPort: number;
  let carrierPort: number;

  const trunkUsage = () => sharedUsage(survivor, 'carrier1');

  const waitForUsage = (match: (u: TrunkUsage) => boolean, timeoutMs: number) => sharedWait(survivor, 'carrier1', match, timeoutMs);

  /** The carrier answers one call on its trunk address and holds it until the caller hangs up (or it is stopped). */
  async function carrierAnswering(signal?: AbortSignal): Promise<{ result: Promise<SippResult> }> {
    const result = runSipp({
      scenario: 'uas-answer.xml', transport: 'udp', target: '127.0.0.1:5060', // unused: the carrier is the server here
      service: 'carrier', localPort: carrierPort, timeoutSeconds: 30, signal,
    });
    await waitUntilUdpBound(carrierPort);
    // Wrapped: an async function returning the run itself would wait for the whole call.
    return { result };
  }

  /** User 1001 dials 9 5551234 through the edge at `sipPort`, holding the call `talk` ms. */
  const dialOut = (sipPort: number, talk: string, signal?: AbortSignal) =>
    runSipp({
      scenario: 'carrier-uac-user-dials-out.xml', transport: 'udp', target: `127.0.0.1:${sipPort}`, service: '95551234',
      authUser: '1001', password: PASSWORDS['1001'], vars: { domain: DOMAIN, caller: '1001' }, template: { talk },
      timeoutSeconds: 60, signal,
    });

  beforeAll(async () => {
    carrierPort = await freePort();
    const seed = {
      tenants: [
        {
          ...TEST_SEED.tenants[0],
          trunks: [
            // One slot: a leaked one would refuse every later call (503), so "usage 0" is also "calls work again".
            { id: 'carrier1', kind: 'ip', host: '127.0.0.1', port: carrierPort, transport: 'udp', routes: [{ prefix: '9', strip: 1 }], maxOutgoingCalls: 1 },
          ],
        },
      ],
    };
    survivor = await startTestStack({ seed, env: { ...FAST, PBX_EDGE_ID: 'edge-survivor' } });
    doomedDir = await mkdtemp(join(tmpdir(), 'nimbus-doomed-'));
    await writeFile(join(doomedDir, 'seed.json'), JSON.stringify(seed));
    [doomedSipPort, doomedHttpPort] = [await freePort(), await freePort()];
    doomed = startPbxProcess({
      ...FAST,
      PBX_SIP_PORT: String(doomedSipPort),
      PBX_HTTP_PORT: String(doomedHttpPort),
      PBX_DATA_DIR: doomedDir,
      PBX_SEED: join(doomedDir, 'seed.json'),
      PBX_EDGE_ID: 'edge-doomed',
      // It joins the survivor's store: the slot it takes is counted where the survivor's reaper looks.
      PBX_DYNAMODB_ENDPOINT: survivor.storeEndpoint,
    });
    await waitHealthy(doomedHttpPort, doomed);
  });
  afterAll(async () => {
    if (doomed && doomed.child.exitCode === null && doomed.child.signalCode === null) doomed.child.kill('SIGKILL');
    await doomed?.exited;
    await survivor?.dispose();
    if (doomedDir) await rm(doomedDir, { recursive: true, force: true });
  });

  it('the slot of an answered trunk call comes back after its edge is SIGKILLed (heartbeat TTL + reaper), and the trunk carries a call again', async () => {
    const vanish = new AbortController();
    try {
      const carrier = await carrierAnswering(vanish.signal);
      const caller = dialOut(doomedSipPort, '60000', vanish.signal);
      // Answered and counted (the CDR is open with an answer time; the store shows the slot).
      await waitForCdr(survivor, 'acme', (c) => c.trunkId === 'carrier1' && typeof c.answerTime === 'string' && c.state !== 'closed', 8000);
      expect(await trunkUsage()).toEqual({ in: 0, out: 1, total: 1 });

      doomed!.child.kill('SIGKILL');
      expect(await doomed!.exited).toBeNull(); // killed by the signal, not exited
      vanish.abort();
      await Promise.allSettled([carrier.result, caller]);
    } finally {
      vanish.abort();
    }

    expect(await waitForUsage((u) => u.total === 0, RECLAIM_DEADLINE_MS)).toEqual({ in: 0, out: 0, total: 0 });
    // The call itself is closed by the reaper too (the same lapse of the heartbeat).
    const cdr = await waitForCdr(survivor, 'acme', (c) => c.trunkId === 'carrier1' && c.state === 'closed', RECLAIM_DEADLINE_MS);
    expect(cdr).toMatchObject({ closedBy: 'timeout', hangupBy: 'system' });

    // The trunk's single slot is usable again: a new call through the surviving edge connects.
    const carrier = await carrierAnswering();
    const again = await dialOut(survivor.sipPort, '200');
    expect(outcomes(again)).toEqual(['200']);
    expect((await carrier.result).code).toBe(0);
    expect(await waitForUsage((u) => u.total === 0, 3000)).toEqual({ in: 0, out: 0, total: 0 });
  }, 60_000);
});
