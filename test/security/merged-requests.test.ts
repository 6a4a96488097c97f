import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import dynalite from 'dynalite';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { RawSipCall, type RawCaller } from '../support/raw-sip-caller.js';
import { RecordingCallee } from '../support/recording-callee.js';
import { listCdrs, type StoredCdr } from '../support/store-inspect.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { UdpSipPeer } from '../support/udp-sip-peer.js';
import { trunkUsage, waitForUsage } from '../trunks/trunk-stack.js';

const DOMAIN = 'acme.test';
/** The attacker: one host, a socket (source port) per INVITE. */
const ATTACKER = '127.0.0.66';
/** maxCalls 1: one user per test, so that a test that fails (calls left ringing) does not fail the next. */
const LIMITED = { ext: '5001', password: 'pw-5001-limited' };
const LIMITED_B = { ext: '5011', password: 'pw-5011-limited' };
const UNLIMITED = { ext: '5003', password: 'pw-5003-unlimited' };
const CALLEE = { ext: '5002', password: 'pw-5002-callee' };

const hex = (n: number) => randomBytes(n).toString('hex');

/**
 * Limits and CDRs cannot be dodged with a second INVITE that reuses the
 * Call-ID of a call in progress (issue 12). RFC 3261 §8.2.2.2: a request
 * with the Call-ID, From tag and CSeq of an ongoing transaction that is not
 * that transaction is *merged* (it forked and came back); an edge that is
 * proxying a call answers any new INVITE with that Call-ID `482 Loop
 * Detected` before a function runs. On another edge the second INVITE is a
 * call of its own: its own slot (so the user's or the trunk's limit refuses
 * it), its own CDR. The attacks are hand-written INVITEs from raw sockets on
 * 127.0.0.66; the callee (or the carrier) is a socket that records what
 * reaches it.
 */
describe('a second INVITE with the Call-ID of a call in progress', () => {
  let store: Server;
  let storeEndpoint: string;
  let edgeA: TestStack;
  let edgeB: TestStack;
  let carrierPort: number;
  const open: Array<{ close(): Promise<void> }> = [];

  const via = (edge: TestStack) => ({ host: '127.0.0.1', port: edge.sipPort });
  const caller = (user: { ext: string; password: string }, edge: TestStack): RawCaller => ({ ...user, domain: DOMAIN, edge: via(edge) });
  const attackerSocket = async () => {
    const peer = await UdpSipPeer.bind(ATTACKER);
    open.push(peer);
    return peer;
  };
  const callee = async (behaviour: 'ring' | 'answer', edge: TestStack) => {
    const device = await RecordingCallee.start({ address: '127.0.0.21', ext: CALLEE.ext, behaviour });
    open.push(device);
    await device.register(via(edge), { password: CALLEE.password, domain: DOMAIN });
    return device;
  };
  const carrier = async (behaviour: 'ring' | 'answer') => {
    const device = await RecordingCallee.start({ address: '127.0.0.1', port: carrierPort, ext: 'carrier', behaviour });
    open.push(device);
    return device;
  };
  /** CDRs are written from bus events: wait until `count` CDRs of the Call-ID are closed (or time runs out, and the test sees what there is). */
  const closedCdrs = async (callId: string, count: number, timeoutMs = 5000): Promise<StoredCdr[]> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const cdrs = (await listCdrs({ storeEndpoint }, 'acme')).filter((c) => c.callId === callId);
      if ((cdrs.length >= count && cdrs.every((c) => c.state === 'closed')) || Date.now() > deadline) return cdrs;
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  /** Nothing more may arrive: give the edges time to forward what they would forward. */
  const settle = () => new Promise((r) => setTimeout(r, 500));

  beforeAll(async () => {
    store = dynalite({ createTableMs: 0 });
    await new Promise<void>((resolve) => store.listen(0, '127.0.0.1', resolve));
    storeEndpoint = `http://127.0.0.1:${(store.address() as AddressInfo).port}`;
    carrierPort = await freePort();
    const seed = {
      tenants: [
        {
          id: 'acme',
          domains: [DOMAIN, '127.0.0.1'],
          users: [{ ...LIMITED, maxCalls: 1 }, { ...LIMITED_B, maxCalls: 1 }, UNLIMITED, CALLEE],
          trunks: [{ id: 'carrier1', kind: 'ip', host: '127.0.0.1', port: carrierPort, transport: 'udp', routes: [{ prefix: '9', strip: 1 }], maxOutgoingCalls: 1 }],
        },
      ],
    };
    // Two edges of one deployment: one store, one nonce secret.
    const env = { PBX_DYNAMODB_ENDPOINT: storeEndpoint, PBX_NONCE_SECRET: 'merged-requests-test-nonce-secret-0123456789' };
    edgeA = await startTestStack({ seed, env: { ...env, PBX_EDGE_ID: 'edge-a' } });
    edgeB = await startTestStack({ seed, env: { ...env, PBX_EDGE_ID: 'edge-b' } });
  });
  afterEach(async () => {
    for (const peer of open.splice(0)) await peer.close();
    // The slots of the test's calls are released asynchronously after their end.
    await settle();
  });
  afterAll(async () => {
    await edgeA?.dispose();
    await edgeB?.dispose();
    if (store?.listening) await new Promise<void>((resolve) => store.close(() => resolve()));
  });

  it('same edge, a user with maxCalls 1: another From tag gets 482, so does the first INVITE forked back; the callee sees one INVITE; one CDR', async () => {
    const device = await callee('ring', edgeA);
    const callId = `merge-a-${hex(6)}`;
    const first = new RawSipCall(await attackerSocket(), caller(LIMITED, edgeA), { to: CALLEE.ext, callId, fromTag: 'first' });
    expect((await first.start()).status).toBe(180);

    const second = new RawSipCall(await attackerSocket(), caller(LIMITED, edgeA), { to: CALLEE.ext, callId, fromTag: 'second' });
    const merged = await second.start();
    expect({ status: merged.status, reason: merged.reason }).toEqual({ status: 482, reason: 'Loop Detected' });
    // §8.2.2.2 exactly: the same From tag, Call-ID and CSeq on another branch.
    expect((await first.resendWithAnotherBranch()).status).toBe(482);

    await settle();
    expect(device.inviteFromTags()).toEqual(['first']);
    expect((await first.cancel()).status).toBe(487);
    const cdrs = await closedCdrs(callId, 1);
    expect(cdrs).toHaveLength(1);
    expect(cdrs[0]).toMatchObject({ callId, fromTag: 'first', disposition: 'cancelled', state: 'closed' });
  });

  it('two edges, a user with maxCalls 1: the second INVITE (another From tag, or the same) is a call of its own, refused by the limit; the callee sees one INVITE; a CDR per attempt', async () => {
    const device = await callee('ring', edgeA);
    const callId = `merge-b-${hex(6)}`;
    const first = new RawSipCall(await attackerSocket(), caller(LIMITED_B, edgeA), { to: CALLEE.ext, callId, fromTag: 'first' });
    expect((await first.start()).status).toBe(180);

    const second = new RawSipCall(await attackerSocket(), caller(LIMITED_B, edgeB), { to: CALLEE.ext, callId, fromTag: 'second' });
    const refused = await second.start();
    expect({ status: refused.status, reason: refused.reason }).toEqual({ status: 403, reason: 'Call limit reached' });
    // Not even the first call's own From tag makes it the same call on another edge.
    const sameTag = new RawSipCall(await attackerSocket(), caller(LIMITED_B, edgeB), { to: CALLEE.ext, callId, fromTag: 'first', cseq: 10 });
    expect((await sameTag.start()).status).toBe(403);

    await settle();
    expect(device.inviteFromTags()).toEqual(['first']);
    expect((await first.cancel()).status).toBe(487);
    const cdrs = await closedCdrs(callId, 3);
    expect(cdrs.map((c) => ({ fromTag: c.fromTag, edgeId: c.edgeId, disposition: c.disposition, status: c.status })).sort((x, y) => `${x.fromTag}${x.status}`.localeCompare(`${y.fromTag}${y.status}`))).toEqual([
      { fromTag: 'first', edgeId: 'edge-b', disposition: 'rejected', status: 403 },
      { fromTag: 'first', edgeId: 'edge-a', disposition: 'cancelled', status: 487 },
      { fromTag: 'second', edgeId: 'edge-b', disposition: 'rejected', status: 403 },
    ]);
  });

  it('a trunk with maxOutgoingCalls 1: the same edge answers 482, another edge 503 "All trunks busy"; the carrier sees one INVITE; one CDR per attempt; the slot comes back', async () => {
    const carrierSide = await carrier('ring');
    const callId = `merge-c-${hex(6)}`;
    const first = new RawSipCall(await attackerSocket(), caller(UNLIMITED, edgeA), { to: '95550100', callId, fromTag: 'first' });
    expect((await first.start()).status).toBe(180);
    expect(await trunkUsage(edgeA, 'carrier1')).toMatchObject({ out: 1 });

    const sameEdge = new RawSipCall(await attackerSocket(), caller(UNLIMITED, edgeA), { to: '95550100', callId, fromTag: 'second' });
    expect((await sameEdge.start()).status).toBe(482);
    const otherEdge = new RawSipCall(await attackerSocket(), caller(UNLIMITED, edgeB), { to: '95550100', callId, fromTag: 'third' });
    const busy = await otherEdge.start();
    expect({ status: busy.status, reason: busy.reason }).toEqual({ status: 503, reason: 'All trunks busy' });

    await settle();
    expect(carrierSide.inviteFromTags()).toEqual(['first']);
    expect((await first.cancel()).status).toBe(487);
    const cdrs = await closedCdrs(callId, 2);
    expect(cdrs.map((c) => ({ fromTag: c.fromTag, direction: c.direction, trunkId: c.trunkId, disposition: c.disposition, status: c.status })).sort((x, y) => String(x.fromTag).localeCompare(String(y.fromTag)))).toEqual([
      { fromTag: 'first', direction: 'outbound', trunkId: 'carrier1', disposition: 'cancelled', status: 487 },
      { fromTag: 'third', direction: 'outbound', trunkId: undefined, disposition: 'rejected', status: 503 },
    ]);
    expect(await waitForUsage(edgeA, 'carrier1', (u) => u.total === 0)).toEqual({ in: 0, out: 0, total: 0 });
  });

  it('two edges, a user without limits: both calls go through and are answered, both hang up, and each has its own closed CDR', async () => {
    const device = await callee('answer', edgeA);
    const callId = `merge-d-${hex(6)}`;
    const first = new RawSipCall(await attackerSocket(), caller(UNLIMITED, edgeA), { to: CALLEE.ext, callId, fromTag: 'first' });
    expect((await first.start()).status).toBeLessThan(300);
    const second = new RawSipCall(await attackerSocket(), caller(UNLIMITED, edgeB), { to: CALLEE.ext, callId, fromTag: 'second' });
    expect((await second.start()).status).toBeLessThan(300);
    expect((await first.finalResponse()).status).toBe(200);
    expect((await second.finalResponse()).status).toBe(200);
    expect(device.inviteFromTags()).toEqual(['first', 'second']);

    expect((await first.hangUp()).status).toBe(200);
    expect((await second.hangUp()).status).toBe(200);
    const cdrs = await closedCdrs(callId, 2);
    expect(cdrs.map((c) => ({ fromTag: c.fromTag, edgeId: c.edgeId, disposition: c.disposition, hangupBy: c.hangupBy, state: c.state })).sort((x, y) => String(x.fromTag).localeCompare(String(y.fromTag)))).toEqual([
      { fromTag: 'first', edgeId: 'edge-a', disposition: 'answered', hangupBy: 'caller', state: 'closed' },
      { fromTag: 'second', edgeId: 'edge-b', disposition: 'answered', hangupBy: 'caller', state: 'closed' },
    ]);
  });
});
