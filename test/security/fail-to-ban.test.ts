import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { liftBan } from '../../functions/src/fail-to-ban/ban-admin.js';
import { BanRepository } from '../../functions/src/fail-to-ban/ban-repository.js';
import type { PbxEvent } from '../../contracts/bus/pbx-event.js';
import { nonceIssuer } from '../../contracts/function-events.js';
import { createDocumentClient } from '../../contracts/store/dynamo-client.js';
import { createNonce, formatChallenge, getHeader } from '../../sip/index.js';
import type { SipResponse } from '../../sip/message.js';
import { tcpClient, udpClient, type RawSipClient } from '../support/raw-sip-client.js';
import { answerChallenge, registerRequest } from '../support/register-request.js';
import { startTestStack, TEST_SEED, type TestStack } from '../support/test-stack.js';
import { answers, optionsRequest, registerAttempt, statusOf, storedBans, waitFor } from './f2b-support.js';

const WHITELISTED = '127.0.0.77';

/** Opens a SIP WebSocket from `localAddress`; resolves true when the upgrade succeeds. */
function wsOpens(httpPort: number, localAddress: string): Promise<boolean> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${httpPort}/ws`, ['sip'], { localAddress });
    ws.once('open', () => {
      ws.terminate();
      resolve(true);
    });
    ws.once('error', () => resolve(false));
    ws.once('unexpected-response', () => resolve(false));
  });
}

/**
 * Fail-to-ban on the real stack (MSS "fail to ban"): what counts as a
 * failure, the ban in the store and on the bus, the edge dropping the banned
 * address on every transport before any function runs, lifting, whitelist.
 * Each test attacks from its own loopback address.
 */
describe('fail-to-ban', () => {
  let stack: TestStack;
  const events: PbxEvent[] = [];
  const clients: RawSipClient[] = [];
  const udpFrom = async (address: string) => {
    const c = await udpClient('127.0.0.1', stack.sipPort, address);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    stack = await startTestStack({ seed: { ...TEST_SEED, system: { f2b: { whitelist: [WHITELISTED] } } } });
    stack.bus.subscribe({ detailType: ['ban.added', 'ban.lifted'] }, async (event) => void events.push(event));
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await stack?.dispose();
  });

  it('a first challenge and a stale nonce never count: after many of both the right password still registers', async () => {
    const client = await udpFrom('127.0.0.61');
    for (let i = 0; i < 8; i++) {
      const bare = registerRequest({ transport: 'UDP', localHost: '127.0.0.61', localPort: client.localPort, user: '1001', domain: 'acme.test', callId: `bare-${i}`, cseq: 1, contact: `<sip:1001@127.0.0.61:${client.localPort}>`, expires: 300 });
      expect(statusOf(await answers(client, bare))).toBe(401);
    }
    // The right password on a nonce older than PBX_NONCE_TTL_SECONDS: 401 stale=true (RFC 7616 §3.3), not a failure.
    const staleNonce = createNonce(stack.nonceSecret, 'acme.test', Date.now() - 400_000, { source: '127.0.0.61', issuer: nonceIssuer(stack.edge.identity) });
    const oldChallenge: SipResponse = {
      kind: 'response', status: 401, reason: 'Unauthorized', body: '',
      headers: [{ name: 'WWW-Authenticate', value: formatChallenge({ realm: 'acme.test', nonce: staleNonce, algorithm: 'MD5', qop: 'auth' }) }],
    };
    for (let i = 0; i < 6; i++) {
      const authorization = answerChallenge(oldChallenge, { user: '1001', password: 's3cret-1001', uri: 'sip:acme.test' });
      const stale = await answers(client, registerRequest({ transport: 'UDP', localHost: '127.0.0.61', localPort: client.localPort, user: '1001', domain: 'acme.test', callId: `stale-${i}`, cseq: 2, contact: `<sip:1001@127.0.0.61:${client.localPort}>`, expires: 300, authorization }));
      expect(stale?.status).toBe(401);
      expect(getHeader(stale!, 'WWW-Authenticate')).toMatch(/stale=true/i);
    }
    expect(statusOf(await registerAttempt(client, '127.0.0.61', { user: '1001', password: 's3cret-1001' }))).toBe(200);
    expect((await storedBans(stack.storeEndpoint)).map((b) => b.address)).not.toContain('127.0.0.61');
  });

  it('wrong password, unknown user and username mismatch count (foreign-realm credentials do not: they answer no nonce we issued); the 5th failure bans the address everywhere', async () => {
    const attacker = await udpFrom('127.0.0.62');
    // A TCP connection the attacker opened earlier: the ban must close it.
    const earlierTcp = await tcpClient('127.0.0.1', stack.sipPort, '127.0.0.62');
    clients.push(earlierTcp);
    expect(statusOf(await answers(earlierTcp, optionsRequest('TCP', '127.0.0.62', earlierTcp.localPort)))).toBe(200);

    const outcomes = [
      await registerAttempt(attacker, '127.0.0.62', { user: '1001', password: 'wrong-1' }),
      await registerAttempt(attacker, '127.0.0.62', { user: '7777', password: 'whatever' }),
      await registerAttempt(attacker, '127.0.0.62', { user: '1001', password: 's3cret-1001', tamper: (a) => a.replace('realm="acme.test"', 'realm="evil.example"') }),
      await registerAttempt(attacker, '127.0.0.62', { user: '1001', authUser: '1002', password: 's3cret-1002' }),
      await registerAttempt(attacker, '127.0.0.62', { user: '1001', password: 'wrong-2' }),
      await registerAttempt(attacker, '127.0.0.62', { user: '1001', password: 'wrong-3' }, 1000),
    ].map(statusOf);
    // Unknown user and wrong password look the same (403); foreign-realm credentials are challenged again (RFC 3261 §22.4)
    // and do not count; the 5th failure's answer is never sent: the ban landed while it was being decided.
    expect(outcomes).toEqual([403, 403, 401, 403, 403, 'silence']);

    const [ban] = (await storedBans(stack.storeEndpoint)).filter((b) => b.address === '127.0.0.62');
    expect(ban).toMatchObject({ address: '127.0.0.62', failures: 5, reason: '5 failed authentications within 60 s', tenantId: 'acme' });
    expect(ban!.until - ban!.since).toBe(10_800_000);
    expect(events).toContainEqual(expect.objectContaining({ detailType: 'ban.added', detail: expect.objectContaining({ address: '127.0.0.62', failures: 5 }) }));

    // Enforced on every transport, before any function runs.
    await earlierTcp.closed;
    expect(await answers(attacker, optionsRequest('UDP', '127.0.0.62', attacker.localPort), 1000)).toBeUndefined();
    const newTcp = await tcpClient('127.0.0.1', stack.sipPort, '127.0.0.62').catch(() => undefined);
    if (newTcp) {
      clients.push(newTcp);
      await newTcp.closed;
    }
    expect(await wsOpens(stack.httpPort, '127.0.0.62')).toBe(false);
    expect(stack.security.gate.counters.droppedBanned).toBeGreaterThan(0);

    // Everyone else is served as before.
    const bystander = await udpFrom('127.0.0.1');
    expect(statusOf(await answers(bystander, optionsRequest('UDP', '127.0.0.1', bystander.localPort)))).toBe(200);
    expect(await wsOpens(stack.httpPort, '127.0.0.1')).toBe(true);
  });

  it('an admin lifting the ban restores service at once and announces ban.lifted', async () => {
    const doc = createDocumentClient({ endpoint: stack.storeEndpoint });
    try {
      const deps = { bans: new BanRepository(doc, process.env.PBX_TABLE_NAME ?? 'nimbus-pbx'), bus: stack.bus, now: () => Date.now() };
      expect(await liftBan(deps, '127.0.0.62', 'test-admin')).toMatchObject({ lifted: true });
    } finally {
      doc.destroy();
    }
    expect(events).toContainEqual(expect.objectContaining({ detailType: 'ban.lifted', detail: expect.objectContaining({ address: '127.0.0.62', by: 'test-admin' }) }));
    const client = await udpFrom('127.0.0.62');
    await waitFor(async () => (await answers(client, optionsRequest('UDP', '127.0.0.62', client.localPort), 300))?.status === 200, 3000);
    expect(statusOf(await registerAttempt(client, '127.0.0.62', { user: '1001', password: 's3cret-1001' }))).toBe(200);
    expect(await wsOpens(stack.httpPort, '127.0.0.62')).toBe(true);
  });

  it('a whitelisted address is never banned, however often it fails', async () => {
    const client = await udpFrom(WHITELISTED);
    const statuses = [];
    for (let i = 0; i < 8; i++) statuses.push(statusOf(await registerAttempt(client, WHITELISTED, { user: '1001', password: `wrong-${i}` })));
    expect(statuses).toEqual(Array(8).fill(403));
    expect((await storedBans(stack.storeEndpoint)).map((b) => b.address)).not.toContain(WHITELISTED);
    expect(statusOf(await registerAttempt(client, WHITELISTED, { user: '1001', password: 's3cret-1001' }))).toBe(200);
  });
});

describe('fail-to-ban: bans end by themselves, and polling brings bans nobody announced', () => {
  let stack: TestStack;
  const clients: RawSipClient[] = [];

  beforeAll(async () => {
    stack = await startTestStack({
      seed: { ...TEST_SEED, system: { f2b: { maxFailures: 2, windowSeconds: 10, banSeconds: 2 } } },
      env: { PBX_BAN_POLL_SECONDS: '1' },
    });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await stack?.dispose();
  });

  it('a ban expires after banSeconds and the address is served again', async () => {
    const client = await udpClient('127.0.0.1', stack.sipPort, '127.0.0.63');
    clients.push(client);
    await registerAttempt(client, '127.0.0.63', { user: '1001', password: 'wrong' });
    await registerAttempt(client, '127.0.0.63', { user: '1001', password: 'wrong' }, 500);
    const [ban] = await storedBans(stack.storeEndpoint);
    expect(ban).toMatchObject({ address: '127.0.0.63', failures: 2 });
    expect(await answers(client, optionsRequest('UDP', '127.0.0.63', client.localPort), 500)).toBeUndefined();
    // The edge that relayed the failures also banned on its own count, a few ms later: allow for that.
    await new Promise((r) => setTimeout(r, Math.max(0, ban!.until - Date.now()) + 600));
    expect(statusOf(await answers(client, optionsRequest('UDP', '127.0.0.63', client.localPort)))).toBe(200);
    expect(await storedBans(stack.storeEndpoint)).toEqual([]); // expired: no longer listed (TTL only reaps the item)
  });

  it('a ban written to the store without an event (another edge, another region) is honoured within the poll interval, and so is its removal', async () => {
    const client = await udpClient('127.0.0.1', stack.sipPort, '127.0.0.64');
    clients.push(client);
    expect(statusOf(await answers(client, optionsRequest('UDP', '127.0.0.64', client.localPort)))).toBe(200);
    const doc = createDocumentClient({ endpoint: stack.storeEndpoint });
    try {
      const repo = new BanRepository(doc, process.env.PBX_TABLE_NAME ?? 'nimbus-pbx');
      const now = Date.now();
      await repo.addBan({ address: '127.0.0.64', since: now, until: now + 60_000, reason: 'written elsewhere', failures: 5 }, now);
      await waitFor(async () => (await answers(client, optionsRequest('UDP', '127.0.0.64', client.localPort), 300)) === undefined, 3000);
      await repo.deleteBan('127.0.0.64');
      await waitFor(async () => (await answers(client, optionsRequest('UDP', '127.0.0.64', client.localPort), 300))?.status === 200, 3000);
    } finally {
      doc.destroy();
    }
  });
});
