import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getHeader } from '../../sip/index.js';
import { startJsSipUser } from '../support/jssip-user.js';
import { asResponse, wsClient } from '../support/raw-sip-client.js';
import { answerChallenge, registerRequest } from '../support/register-request.js';
import { readBindings } from '../support/store-inspect.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

/** Browser-style clients register over SIP-over-WebSocket (RFC 7118). */
describe('REGISTER over WebSocket', () => {
  let stack: TestStack;
  const wsUrl = () => `ws://127.0.0.1:${stack.httpPort}/ws`;

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.dispose();
  });

  it('a JsSIP user agent registers with digest auth and its binding remembers the WebSocket flow', async () => {
    const user = startJsSipUser({ wsUrl: wsUrl(), ext: '1001', domain: 'acme.test', password: 's3cret-1001' });
    try {
      expect(await user.registration).toEqual({ registered: true });
      const [binding] = await readBindings(stack, 'acme', '1001');
      expect(binding.protocol).toBe('ws');
      expect(binding.flowId).toBeTruthy();
      expect(binding.edgeId).toBe('edge-test');
    } finally {
      await user.stop();
    }
  });

  it('a JsSIP user with a wrong password is refused with 403', async () => {
    const user = startJsSipUser({ wsUrl: wsUrl(), ext: '1003', domain: 'acme.test', password: 'wrong' });
    try {
      const outcome = await user.registration;
      expect(outcome).toMatchObject({ registered: false, status: 403 });
    } finally {
      await user.stop();
    }
  });

  it('removes the binding when the WebSocket closes without unregistering (the device is unreachable)', async () => {
    const client = await wsClient(wsUrl());
    const base = { transport: 'WS' as const, localHost: 'df7jal23ls0d.invalid', localPort: 0, user: '1003', domain: 'acme.test', callId: 'ws-close-1' };
    const contact = '<sip:1003@df7jal23ls0d.invalid;transport=ws>';
    client.send(registerRequest({ ...base, cseq: 1, contact, expires: 600 }));
    const challenge = asResponse(await client.next());
    expect(challenge.status).toBe(401);
    client.send(registerRequest({
      ...base, cseq: 2, contact, expires: 600,
      authorization: answerChallenge(challenge, { user: '1003', password: 's3cret-1003', uri: 'sip:acme.test' }),
    }));
    const ok = asResponse(await client.next());
    expect(ok.status).toBe(200);
    expect(getHeader(ok, 'Contact')).toContain('df7jal23ls0d.invalid');
    expect(await readBindings(stack, 'acme', '1003')).toHaveLength(1);

    await client.close();
    await expect.poll(() => readBindings(stack, 'acme', '1003'), { timeout: 5000 }).toHaveLength(0);
  });

  it('refuses an upgrade that does not offer the "sip" subprotocol', async () => {
    await expect(wsClient(wsUrl(), ['chat'])).rejects.toThrow(/400/);
  });
});
