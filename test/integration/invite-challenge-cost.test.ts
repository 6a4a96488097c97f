import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getHeaders, newTag, type SipResponse } from '../../sip/index.js';
import { freePort } from '../support/free-port.js';
import { parseExposition, sampleSum, type Sample } from '../support/prometheus-text.js';
import { RawSipCall, type RawCaller } from '../support/raw-sip-caller.js';
import { RecordingCallee } from '../support/recording-callee.js';
import { startTestStack, TEST_SEED, type TestStack } from '../support/test-stack.js';
import { UdpSipPeer } from '../support/udp-sip-peer.js';

const METRICS_TOKEN = 'invite-challenge-metrics-token';
const DOMAIN = 'acme.test';
const DID = '5551000';
const [acme] = TEST_SEED.tenants;
const password = (ext: string) => acme.users.find((u) => u.ext === ext)!.password;

/** The stack with an IP trunk whose carrier sends from 127.0.0.1:`carrierPort`; its DID rings 1002. */
function startStack(carrierPort: number, directoryCacheSeconds: string): Promise<TestStack> {
  const seed = {
    tenants: [
      {
        ...acme,
        trunks: [{ id: 'carrier1', kind: 'ip', host: '127.0.0.1', port: carrierPort, transport: 'udp', routes: [{ prefix: '9', strip: 1 }], dids: { [DID]: '1002' } }],
      },
    ],
  };
  return startTestStack({ seed, env: { PBX_METRICS_TOKEN: METRICS_TOKEN, PBX_DIRECTORY_CACHE_SECONDS: directoryCacheSeconds } });
}

/** What happened between two scrapes of the stack's /metrics. */
function meter(stack: TestStack) {
  const scrape = async (): Promise<Sample[]> => {
    const res = await fetch(`http://127.0.0.1:${stack.httpPort}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    return parseExposition(await res.text());
  };
  return async () => {
    const before = await scrape();
    return async () => {
      const after = await scrape();
      const delta = (name: string, labels: Record<string, string> = {}) => sampleSum(after, name, labels) - sampleSum(before, name, labels);
      return {
        invokes: delta('nimbus_function_duration_seconds_count', { function: 'authorize-call' }),
        storeRequests: delta('nimbus_store_request_duration_seconds_count'),
      };
    };
  };
}

/**
 * Until the tail of the previous call is written (its CDR and slot releases
 * follow the BYE on the bus, asynchronously): two scrapes 200 ms apart with
 * no store request between them.
 */
async function storeQuiet(stack: TestStack): Promise<void> {
  const measure = meter(stack);
  for (let i = 0; i < 50; i++) {
    const measured = await measure();
    await new Promise((r) => setTimeout(r, 200));
    if ((await measured()).storeRequests === 0) return;
  }
}

/** The Proxy-Authenticate values, the nonce aside (fresh per challenge). */
const challengeShape = (res: SipResponse) => ({
  status: res.status,
  reason: res.reason,
  proxyAuthenticate: getHeaders(res, 'Proxy-Authenticate').map((v) => v.replace(/nonce="[^"]*"/, 'nonce="*"')),
  wwwAuthenticate: getHeaders(res, 'WWW-Authenticate'),
});

/**
 * What the first 407 of a call costs (issue 14), read from the stack's own
 * /metrics while a raw UDP phone calls a registered one: once authorize-call
 * has challenged an INVITE without credentials from that source, to that
 * number, from that domain, the edge answers the next such INVITE's 407
 * itself — no function call, no store read — and the call goes on with
 * digest as before. An IP trunk's carrier is admitted by its source as
 * before: authorize-call never challenges it, so the edge never learns it.
 */
describe('the cost of a call’s first 407 (real stack, raw UDP phones and carrier)', () => {
  let stack: TestStack;
  let carrierPort: number;
  const open: Array<{ close(): Promise<void> }> = [];
  const edge = () => ({ host: '127.0.0.1', port: stack.sipPort });

  beforeAll(async () => {
    carrierPort = await freePort();
    // Kept an hour: what the edge answers from memory must not depend on how fast this machine is today.
    stack = await startStack(carrierPort, '3600');
    const callee = await RecordingCallee.start({ address: '127.0.0.21', ext: '1002', behaviour: 'answer' });
    open.push(callee);
    await callee.register(edge(), { password: password('1002'), domain: DOMAIN });
  });
  afterAll(async () => {
    for (const o of open) await o.close();
    await stack?.dispose();
  });

  /** One call from `peer` to `to`, answered and hung up; what its 407 and the whole call cost. */
  async function call(peer: UdpSipPeer, caller: RawCaller, to: string) {
    const start = meter(stack);
    const wholeCall = await start();
    let challengeCost: Awaited<ReturnType<Awaited<ReturnType<typeof start>>>> | undefined;
    let challenge: SipResponse | undefined;
    const raw = new RawSipCall(peer, caller, { to, callId: `c-${newTag()}`, fromTag: newTag() });
    const first = await raw.start(5000, async (res) => {
      challengeCost = await wholeCall();
      challenge = res;
    });
    expect(first.status).toBeLessThan(300);
    expect((await raw.finalResponse()).status).toBe(200);
    expect((await raw.hangUp()).status).toBe(200);
    return { challenge, challengeCost, callCost: await wholeCall() };
  }

  it('after one call, the next call’s 407 is the edge’s: no invoke, no store request, the same bytes; the call completes with digest', async () => {
    const peer = await UdpSipPeer.bind('127.0.0.1');
    open.push(peer);
    const caller: RawCaller = { ext: '1001', password: password('1001'), domain: DOMAIN, edge: { host: '127.0.0.1', port: stack.sipPort } };

    const first = await call(peer, caller, '1002');
    expect(first.challengeCost?.invokes).toBe(1);
    await storeQuiet(stack);
    const next = await call(peer, caller, '1002');
    expect(next.challengeCost?.invokes).toBe(0);
    // Only the INVITE with credentials reached authorize-call.
    expect(next.callCost.invokes).toBe(1);
    expect(first.callCost.invokes).toBe(2);
    expect(challengeShape(next.challenge!)).toEqual(challengeShape(first.challenge!));
    expect(challengeShape(next.challenge!).proxyAuthenticate.length).toBeGreaterThan(0);

    // The edge's heartbeat or ban poll may still land in a window and add a store request, never remove one:
    // then a few more bare INVITEs, each measured alone, and the cheapest one is what the edge's 407 costs.
    const costs = [next.challengeCost!];
    while (costs.at(-1)!.storeRequests > 0 && costs.length < 4) {
      await storeQuiet(stack);
      const measured = await meter(stack)();
      const res = await new RawSipCall(peer, caller, { to: '1002', callId: `p-${newTag()}`, fromTag: newTag() }).offer();
      expect(res.status).toBe(407);
      costs.push(await measured());
    }
    expect(costs.every((c) => c.invokes === 0)).toBe(true);
    expect(Math.min(...costs.map((c) => c.storeRequests))).toBe(0);
  });

  it('an IP trunk’s carrier, from its source, is admitted without a 407 every time: the edge never learns it', async () => {
    const carrier = await UdpSipPeer.bind('127.0.0.1', carrierPort);
    open.push(carrier);
    const caller: RawCaller = { ext: '+15557654321', password: 'none', domain: 'carrier.test', edge: edge() };
    for (let i = 0; i < 2; i++) {
      const { challenge, callCost } = await call(carrier, caller, DID);
      expect(challenge).toBeUndefined();
      expect(callCost.invokes).toBe(1);
    }
  });
});

/**
 * The staleness bound: what the edge learnt lasts PBX_DIRECTORY_CACHE_SECONDS
 * (1 s here), then the INVITE goes to authorize-call again (which would see a
 * trunk added for that source meanwhile). No timed assertion: bare INVITEs
 * from one source until one answered by the edge is followed by one that
 * reached authorize-call again (each such 407 teaches the edge anew).
 */
describe('the edge forgets a learnt 407 after PBX_DIRECTORY_CACHE_SECONDS', () => {
  let stack: TestStack;
  let peer: UdpSipPeer;

  beforeAll(async () => {
    stack = await startStack(await freePort(), '1');
    peer = await UdpSipPeer.bind('127.0.0.1');
  });
  afterAll(async () => {
    await peer?.close();
    await stack?.dispose();
  });

  it('answers from memory, then asks authorize-call again once the entry has expired', async () => {
    const caller: RawCaller = { ext: '1001', password: password('1001'), domain: DOMAIN, edge: { host: '127.0.0.1', port: stack.sipPort } };
    const measure = meter(stack);
    const seen: Array<'edge' | 'authorize-call'> = [];
    const deadline = Date.now() + 30_000;
    while (!seen.join(' ').includes('edge authorize-call') && Date.now() < deadline) {
      const measured = await measure();
      const res = await new RawSipCall(peer, caller, { to: '1002', callId: `e-${newTag()}`, fromTag: newTag() }).offer();
      expect(res.status).toBe(407);
      seen.push((await measured()).invokes === 0 ? 'edge' : 'authorize-call');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(seen[0]).toBe('authorize-call');
    expect(seen.join(' ')).toContain('edge authorize-call');
  });
});
