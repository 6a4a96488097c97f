import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tcpClient, udpClient, type RawSipClient } from '../support/raw-sip-client.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { answers, optionsRequest, registerAttempt, statusOf, storedBans, waitFor, wsFrom } from './f2b-support.js';

const PROXY = '127.0.0.70';

/**
 * Flood control (pike), the per-address connection cap, and whose address
 * counts behind an HTTP proxy (X-Forwarded-For, only from a trusted proxy).
 */
describe('flood control, connection cap and trusted proxies', () => {
  let stack: TestStack;
  const clients: RawSipClient[] = [];
  const track = <T extends RawSipClient>(c: T): T => (clients.push(c), c);
  const wsUrl = () => `ws://127.0.0.1:${stack.httpPort}/ws`;

  beforeAll(async () => {
    stack = await startTestStack({
      env: {
        PBX_PIKE_REQUESTS: '20',
        PBX_PIKE_WINDOW_SECONDS: '1',
        PBX_PIKE_BLOCK_SECONDS: '2',
        PBX_MAX_CONNECTIONS_PER_ADDRESS: '5',
        PBX_TRUSTED_PROXIES: PROXY,
      },
    });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await stack?.dispose();
  });

  it('throttles an address that sends more than the density, whatever it sends, and lets it back after the block', async () => {
    const flooder = track(await udpClient('127.0.0.1', stack.sipPort, '127.0.0.80'));
    const neighbour = track(await udpClient('127.0.0.1', stack.sipPort, '127.0.0.81'));
    for (let i = 0; i < 60; i++) flooder.send(optionsRequest('UDP', '127.0.0.80', flooder.localPort, `flood-${i}`));
    let answered = 0;
    while (await flooder.next(500).then(() => true, () => false)) answered++;
    expect(answered).toBeGreaterThan(0);
    expect(answered).toBeLessThanOrEqual(20);
    expect(stack.security.gate.isThrottled('127.0.0.80')).toBe(true);
    expect(statusOf(await answers(neighbour, optionsRequest('UDP', '127.0.0.81', neighbour.localPort)))).toBe(200);
    expect(await answers(flooder, optionsRequest('UDP', '127.0.0.80', flooder.localPort), 300)).toBeUndefined();
    await waitFor(async () => (await answers(flooder, optionsRequest('UDP', '127.0.0.80', flooder.localPort), 300))?.status === 200, 4000, 500);
  });

  it('caps the connections one address holds (TCP and WebSocket together) and frees a slot when one closes', async () => {
    const held = [];
    for (let i = 0; i < 5; i++) held.push(track(await tcpClient('127.0.0.1', stack.sipPort, '127.0.0.82')));
    expect(stack.security.gate.openConnections('127.0.0.82')).toBe(5);
    const sixth = track(await tcpClient('127.0.0.1', stack.sipPort, '127.0.0.82'));
    await sixth.closed; // closed at accept
    await expect(wsFrom(wsUrl(), '127.0.0.82')).rejects.toThrow();
    // Another address is not affected, and the held connections still work.
    const other = track(await tcpClient('127.0.0.1', stack.sipPort, '127.0.0.83'));
    expect(statusOf(await answers(other, optionsRequest('TCP', '127.0.0.83', other.localPort)))).toBe(200);
    expect(statusOf(await answers(held[0]!, optionsRequest('TCP', '127.0.0.82', held[0]!.localPort)))).toBe(200);
    await held[4]!.close();
    await waitFor(async () => stack.security.gate.openConnections('127.0.0.82') === 4, 2000, 50);
    const again = track(await tcpClient('127.0.0.1', stack.sipPort, '127.0.0.82'));
    expect(statusOf(await answers(again, optionsRequest('TCP', '127.0.0.82', again.localPort)))).toBe(200);
  });

  it('behind a trusted proxy, X-Forwarded-For names who fails: the client is banned, not the proxy or its other clients', async () => {
    const cracker = track(await wsFrom(wsUrl(), PROXY, { 'X-Forwarded-For': '198.51.100.7' }));
    for (let i = 0; i < 5; i++) await registerAttempt(cracker, 'client.invalid', { user: '1001', password: `guess-${i}`, transport: 'WS' }, 1000);
    await cracker.closed; // its WebSocket is closed when the ban lands
    const bans = (await storedBans(stack.storeEndpoint)).map((b) => b.address);
    expect(bans).toContain('198.51.100.7');
    expect(bans).not.toContain(PROXY);
    await expect(wsFrom(wsUrl(), PROXY, { 'X-Forwarded-For': '198.51.100.7' })).rejects.toThrow();
    const neighbour = track(await wsFrom(wsUrl(), PROXY, { 'X-Forwarded-For': '198.51.100.8' }));
    expect(statusOf(await registerAttempt(neighbour, 'client.invalid', { user: '1001', password: 's3cret-1001', transport: 'WS' }))).toBe(200);
  });

  it('X-Forwarded-For from anyone else is ignored: the peer itself is judged (nobody can get someone else banned)', async () => {
    const liar = track(await wsFrom(wsUrl(), '127.0.0.71', { 'X-Forwarded-For': '198.51.100.9' }));
    for (let i = 0; i < 5; i++) await registerAttempt(liar, 'client.invalid', { user: '1001', password: `guess-${i}`, transport: 'WS' }, 1000);
    const bans = (await storedBans(stack.storeEndpoint)).map((b) => b.address);
    expect(bans).toContain('127.0.0.71');
    expect(bans).not.toContain('198.51.100.9');
  });
});
