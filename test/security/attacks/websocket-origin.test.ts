/**
 * Attack: a web page on another site opens SIP over WebSocket to the PBX
 * from the visitor's browser (cross-site WebSocket hijacking, RFC 6455
 * §10.2): the office's browsers could guess passwords from the office's
 * address and get it banned. The upgrade's Origin decides.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startTestStack, TEST_SEED, type TestStack } from '../../support/test-stack.js';

/** The HTTP status of the upgrade, or 101 when the WebSocket opened. */
function upgrade(port: number, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, 'sip', { headers });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', () => resolve(0));
  });
}

describe('WebSocket upgrades check Origin', () => {
  let stack: TestStack;
  let open: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ seed: TEST_SEED, env: { PBX_WS_ORIGINS: 'https://phone.example.com' } });
    open = await startTestStack({ seed: TEST_SEED, env: { PBX_WS_ORIGINS: '*' } });
  });
  afterAll(async () => {
    await stack?.dispose();
    await open?.dispose();
  });

  it('refuses a page of another site with 403', async () => {
    expect(await upgrade(stack.httpPort, { Origin: 'http://evil.example' })).toBe(403);
    expect(await upgrade(stack.httpPort, { Origin: 'null' })).toBe(403);
  });

  it('lets the PBX’s own softphone page, the configured origins and non-browser clients in', async () => {
    expect(await upgrade(stack.httpPort, { Origin: `http://127.0.0.1:${stack.httpPort}` })).toBe(101);
    expect(await upgrade(stack.httpPort, { Origin: 'https://phone.example.com' })).toBe(101);
    expect(await upgrade(stack.httpPort, {})).toBe(101);
  });

  it('opens to every page with PBX_WS_ORIGINS=*', async () => {
    expect(await upgrade(open.httpPort, { Origin: 'http://evil.example' })).toBe(101);
  });
});
