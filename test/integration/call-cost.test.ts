import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExposition, sampleSum, type Sample } from '../support/prometheus-text.js';
import { hasTool } from '../support/require-tool.js';
import { runSipp } from '../support/sipp.js';
import { registerSippDevice, runUas, type SippDevice } from '../support/sipp-devices.js';
import { listCdrs } from '../support/store-inspect.js';
import { freePort } from '../support/free-port.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

const METRICS_TOKEN = 'call-cost-metrics-token';
const DOMAIN = 'acme.test';
const SEED = {
  tenants: [
    {
      id: 'acme',
      domains: [DOMAIN, '127.0.0.1'],
      users: [
        { ext: '2001', password: 'pw-2001-caller' },
        { ext: '2002', password: 'pw-2002-callee' },
        { ext: '2011', password: 'pw-2011-limited', maxCalls: 2 },
        { ext: '2012', password: 'pw-2012-limited', maxCalls: 2 },
      ],
    },
  ],
};
const PASSWORDS = Object.fromEntries(SEED.tenants[0].users.map((u) => [u.ext, u.password]));

/**
 * What a completed internal call costs in serverless terms (issue 14:
 * "at most 2 invokes and 6 store requests including the CDR"), counted by
 * the stack itself while SIPp phones call: function invokes from /metrics
 * plus the bus consumers' invokes (a batch of call events is one `cdr`
 * invoke, as an SQS batch is in the cloud), and every DynamoDB request of
 * the call up to its closed CDR. The call is the second one of the caller
 * to that number: the edge has learnt its 407 and the warm functions hold
 * the directory and trunk data (PBX_DIRECTORY_CACHE_SECONDS).
 */
describe.runIf(hasTool('sipp'))('the cost of a completed internal call (real stack, SIPp phones)', () => {
  let stack: TestStack;
  const target = () => `127.0.0.1:${stack.sipPort}`;
  const seen = new Set<string>();

  beforeAll(async () => {
    stack = await startTestStack({
      seed: SEED,
      // The cloud's batching window (contracts/bus/event-routes.ts); directory data kept long enough not to depend on this machine's speed.
      env: { PBX_METRICS_TOKEN: METRICS_TOKEN, PBX_DIRECTORY_CACHE_SECONDS: '3600', PBX_CDR_BATCH_WINDOW_MS: '1000',
        // No background work (heartbeats, trunk leases, the reaper) inside a measurement.
        PBX_HEARTBEAT_SECONDS: '3600', PBX_TRUNK_LEASE_SECONDS: '3600', PBX_REAPER_INTERVAL_SECONDS: '3600' },
    });
  });
  afterAll(async () => {
    await stack?.dispose();
  });

  async function scrape(): Promise<Sample[]> {
    const res = await fetch(`http://127.0.0.1:${stack.httpPort}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    return parseExposition(await res.text());
  }
  const consumerInvokes = () => Object.values(stack.consumerInvokes).reduce((a, b) => a + b, 0);

  async function counters() {
    const samples = await scrape();
    return {
      invokes: sampleSum(samples, 'nimbus_function_duration_seconds_count') + consumerInvokes(),
      storeRequests: sampleSum(samples, 'nimbus_store_request_duration_seconds_count'),
      byFunction: Object.fromEntries(samples.filter((s) => s.name === 'nimbus_function_duration_seconds_count').map((s) => [s.labels.function, s.value])),
    };
  }

  /** Until the stack is idle: two scrapes 300 ms apart with no invoke and no store request between them. */
  async function quiet(): Promise<void> {
    for (let i = 0; i < 60; i++) {
      const a = await counters();
      await new Promise((r) => setTimeout(r, 300));
      const b = await counters();
      if (a.invokes === b.invokes && a.storeRequests === b.storeRequests) return;
    }
    throw new Error('the stack did not become idle');
  }

  /** One call caller → callee, answered, `talk` ms, hung up by the caller; resolves with its closed CDR and what it cost. */
  async function costOf(caller: string, callee: SippDevice, talk: number, callerPort: number) {
    await quiet();
    const before = await counters();
    const uas = runUas(target(), callee, 'uas-answer.xml');
    await new Promise((r) => setTimeout(r, 400));
    const call = await runSipp({
      scenario: 'uac-call.xml',
      transport: 'udp',
      target: target(),
      service: callee.ext,
      authUser: caller,
      password: PASSWORDS[caller],
      vars: { domain: DOMAIN, caller, talk: String(talk) },
      // A phone keeps its port: the edge's learnt 407 is the source address:port's (edge/src/core/invite-challenges.ts).
      localPort: callerPort,
      timeoutSeconds: 30,
    });
    expect(call.code, call.stderr).toBe(0);
    expect((await uas).code).toBe(0);
    let cdr;
    for (let i = 0; i < 100 && !cdr; i++) {
      cdr = (await listCdrs(stack, 'acme')).find((c) => c.callee?.ext === callee.ext && c.state === 'closed' && !seen.has(c.callId));
      if (!cdr) await new Promise((r) => setTimeout(r, 100));
    }
    expect(cdr, 'the call left a closed CDR').toBeDefined();
    seen.add(cdr!.callId);
    // The CDR read above is the test's own client over the store's port: not counted as the call's.
    await quiet();
    const after = await counters();
    const byFunction = Object.fromEntries(Object.entries(after.byFunction).map(([k, v]) => [k, v - (before.byFunction[k] ?? 0)]).filter(([, v]) => Number(v) > 0));
    return { cdr: cdr!, invokes: after.invokes - before.invokes, storeRequests: after.storeRequests - before.storeRequests, byFunction };
  }

  it('a call between users without limits: one authorize-call, one cdr batch, the callee’s bindings read and one CDR write', async () => {
    const callee = await registerSippDevice(target(), { ext: '2002', password: PASSWORDS['2002'], domain: DOMAIN });
    const port = await freePort();
    await costOf('2001', callee, 100, port); // the first: the edge learns the 407, the functions warm up
    const cost = await costOf('2001', callee, 100, port);
    expect(cost.cdr).toMatchObject({ disposition: 'answered', status: 200, caller: { ext: '2001' }, callee: { ext: '2002' } });
    expect(cost.byFunction).toEqual({ 'authorize-call': 1 });
    expect(cost.invokes).toBeLessThanOrEqual(2);
    expect(cost.storeRequests).toBeLessThanOrEqual(6);
    expect(cost).toMatchObject({ invokes: 2, storeRequests: 2 });
  });

  it('a call between two users with limits adds one conditional write per user to take the slot and one to give it back', async () => {
    const callee = await registerSippDevice(target(), { ext: '2012', password: PASSWORDS['2012'], domain: DOMAIN });
    const port = await freePort();
    await costOf('2011', callee, 100, port);
    const cost = await costOf('2011', callee, 100, port);
    expect(cost.cdr).toMatchObject({ disposition: 'answered', caller: { ext: '2011' }, callee: { ext: '2012' } });
    // authorize-call, release-call (it gives the slots back), the cdr batch.
    expect(cost.byFunction).toEqual({ 'authorize-call': 1, 'release-call': 1 });
    expect(cost).toMatchObject({ invokes: 3, storeRequests: 6 });
  });
});
