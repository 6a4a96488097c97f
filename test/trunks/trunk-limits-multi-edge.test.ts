import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { hasTool } from '../support/require-tool.js';
import { runSipp, type SippResult } from '../support/sipp.js';
import { startTestStack, TEST_SEED, type TestStack } from '../support/test-stack.js';
import { waitUntilUdpBound } from './udp-port-probe.js';
import { trunkUsage as sharedUsage, waitForUsage as sharedWait, type TrunkUsage } from './trunk-stack.js';

const DOMAIN = 'acme.test';
const PASSWORDS: Record<string, string> = Object.fromEntries(TEST_SEED.tenants[0].users.map((u) => [u.ext, u.password]));
const LIMIT = 3;

/** "OUTCOME: <status>" lines the caller scenario logs, one per call. */
const outcomes = (run: SippResult): string[] => [...run.log.matchAll(/OUTCOME: (\d{3})/g)].map((m) => m[1]);
const count = (list: string[], status: string) => list.filter((s) => s === status).length;

/**
 * A trunk's limit holds across edges (issue 3, MSS maxOutgoingCalls): the
 * slots are counted in the one store every edge shares (a conditional
 * write per take), so two edges hit by bursts at the same moment admit
 * exactly the limit between them; the rest hear 503 (RFC 3261 §21.5.4), and
 * every slot comes back when the calls end.
 */
describe.runIf(hasTool('sipp'))('trunk limits across two edges on one store', () => {
  let store: Server;
  let storeEndpoint: string;
  let edge1: TestStack;
  let edge2: TestStack;
  let carrierPort: number;

  const trunkUsage = (via: TestStack, trunkId: string) => sharedUsage(via, trunkId);

  const waitForUsage = (via: TestStack, match: (u: TrunkUsage) => boolean, timeoutMs: number) => sharedWait(via, 'carrier1', match, timeoutMs);

  /** `calls` outbound calls of `ext` through `edge`, started 20 ms apart, each held `talk` ms when answered. */
  const dialOut = (edge: TestStack, ext: string, calls: number, talk: string) =>
    runSipp({
      scenario: 'carrier-uac-user-dials-out.xml',
      transport: 'udp',
      target: `127.0.0.1:${edge.sipPort}`,
      service: '95551234',
      authUser: ext,
      password: PASSWORDS[ext],
      vars: { domain: DOMAIN, caller: ext },
      template: { talk },
      calls,
      rate: 50,
      timeoutSeconds: 25,
    });

  beforeAll(async () => {
    store = dynalite({ createTableMs: 0 });
    await new Promise<void>((resolve) => store.listen(0, '127.0.0.1', resolve));
    storeEndpoint = `http://127.0.0.1:${(store.address() as AddressInfo).port}`;
    carrierPort = await freePort();
    const seed = {
      tenants: [
        {
          ...TEST_SEED.tenants[0],
          trunks: [
            {
              id: 'carrier1', kind: 'ip', host: '127.0.0.1', port: carrierPort, transport: 'udp',
              routes: [{ prefix: '9', strip: 1 }], maxOutgoingCalls: LIMIT,
            },
          ],
        },
      ],
    };
    // Pike off: ten calls within a fraction of a second from two addresses are the point here, not a flood.
    const env = { PBX_DYNAMODB_ENDPOINT: storeEndpoint, PBX_PIKE_REQUESTS: '0', PBX_TIMER_C_SECONDS: '10', PBX_NONCE_SECRET: 'trunk-edges-test-nonce-secret-0123456789' };
    edge1 = await startTestStack({ seed, env: { ...env, PBX_EDGE_ID: 'edge-1' } });
    edge2 = await startTestStack({ seed, env: { ...env, PBX_EDGE_ID: 'edge-2' } });
  });
  afterAll(async () => {
    await edge1?.dispose();
    await edge2?.dispose();
    if (store?.listening) await new Promise<void>((resolve) => store.close(() => resolve()));
  });

  it(`5 calls via edge 1 and 5 via edge 2 at once on a trunk with maxOutgoingCalls ${LIMIT}: exactly ${LIMIT} connect, 7 get 503, usage returns to 0`, async () => {
    // The carrier answers and holds every call it gets; it ends itself after LIMIT calls (a fourth would go unanswered).
    const stopCarrier = new AbortController();
    const carrier = runSipp({
      scenario: 'uas-answer.xml', transport: 'udp', target: '127.0.0.1:5060', // unused: the carrier is the server here
      service: 'carrier', localPort: carrierPort, calls: LIMIT, timeoutSeconds: 30, signal: stopCarrier.signal,
    });
    await waitUntilUdpBound(carrierPort);

    const [viaEdge1, viaEdge2] = [dialOut(edge1, '1001', 5, '4000'), dialOut(edge2, '1002', 5, '4000')];
    // Both edges read the same counters: while the calls are held, the store shows the limit reached.
    const held = await waitForUsage(edge2, (u) => u.out === LIMIT, 4000);
    const [first, second] = await Promise.all([viaEdge1, viaEdge2]);
    // Fewer calls than the limit reached the carrier? Then it would wait for ever: stop it, the counts below tell.
    const giveUp = setTimeout(() => stopCarrier.abort(), 3000);
    expect(first.code, first.stderr).toBe(0);
    expect(second.code, second.stderr).toBe(0);
    const all = [...outcomes(first), ...outcomes(second)];
    expect(all).toHaveLength(10);
    expect({ connected: count(all, '200'), refused: count(all, '503') }).toEqual({ connected: LIMIT, refused: 10 - LIMIT });
    expect(held).toEqual({ in: 0, out: LIMIT, total: LIMIT });

    const answered = await carrier;
    clearTimeout(giveUp);
    expect(answered.code, answered.stderr).toBe(0);
    // The carrier got exactly the admitted calls, with the route's prefix stripped (9 5551234 → 5551234).
    const uris = [...answered.log.matchAll(/INVITE-URI: (\S+)/g)].map((m) => m[1]);
    expect(uris).toHaveLength(LIMIT);
    for (const uri of uris) expect(uri).toMatch(/^sip:5551234@/);

    expect(await waitForUsage(edge1, (u) => u.total === 0, 3000)).toEqual({ in: 0, out: 0, total: 0 });
  }, 45_000);
});
