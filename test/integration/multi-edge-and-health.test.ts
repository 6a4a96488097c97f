import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { getHeader } from '../../sip/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asResponse, udpClient } from '../support/raw-sip-client.js';
import { answerChallenge, registerRequest } from '../support/register-request.js';
import { readBindings } from '../support/store-inspect.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

/**
 * Several edges share one store (the cloud shape, shown on one machine): a
 * phone challenged by one edge may answer through another, because nonces are
 * stateless HMACs every edge can verify; bindings name the edge that holds them.
 * /healthz tells a load balancer when the store is gone.
 */
describe('two edges on one store', () => {
  let store: Server;
  let storeEndpoint: string;
  let edgeA: TestStack;
  let edgeB: TestStack;

  beforeAll(async () => {
    store = dynalite({ createTableMs: 0 });
    await new Promise<void>((resolve) => store.listen(0, '127.0.0.1', resolve));
    storeEndpoint = `http://127.0.0.1:${(store.address() as AddressInfo).port}`;
    // The edges of one deployment share the nonce secret (README: several edges on one store).
    const shared = { PBX_DYNAMODB_ENDPOINT: storeEndpoint, PBX_NONCE_SECRET: 'two-edges-test-nonce-secret-0123456789' };
    edgeA = await startTestStack({ env: { ...shared, PBX_EDGE_ID: 'edge-a' } });
    edgeB = await startTestStack({ env: { ...shared, PBX_EDGE_ID: 'edge-b' } });
  });
  afterAll(async () => {
    await edgeA?.dispose();
    await edgeB?.dispose();
    if (store.listening) await new Promise<void>((resolve) => store.close(() => resolve()));
  });

  it('a challenge from edge A answered through edge B gets stale=true from B (only A tracks its nonce counts); B\'s own nonce registers, and the binding names edge B', async () => {
    const client = await udpClient('127.0.0.1', edgeA.sipPort);
    try {
      const base = { transport: 'UDP' as const, localHost: '127.0.0.1', localPort: client.localPort, user: '1001', domain: 'acme.test', callId: 'two-edges-1' };
      const contact = `<sip:1001@127.0.0.1:${client.localPort}>`;
      client.send(registerRequest({ ...base, cseq: 1, contact, expires: 300 }));
      const challenge = asResponse(await client.next());
      expect(challenge.status).toBe(401);
      // Same socket, other edge: as if a DNS/NLB change moved the phone between edges.
      const viaB = await udpClient('127.0.0.1', edgeB.sipPort);
      try {
        viaB.send(registerRequest({
          ...base, localPort: viaB.localPort, cseq: 2, contact: `<sip:1001@127.0.0.1:${viaB.localPort}>`, expires: 300,
          authorization: answerChallenge(challenge, { user: '1001', password: 's3cret-1001', uri: 'sip:acme.test' }),
        }));
        // RFC 7616 §3.3: the digest was right, the nonce is not B's: retry silently with B's nonce.
        const stale = asResponse(await viaB.next());
        expect(stale.status).toBe(401);
        expect(getHeader(stale, 'WWW-Authenticate')).toMatch(/stale=true/);
        viaB.send(registerRequest({
          ...base, localPort: viaB.localPort, cseq: 3, contact: `<sip:1001@127.0.0.1:${viaB.localPort}>`, expires: 300,
          authorization: answerChallenge(stale, { user: '1001', password: 's3cret-1001', uri: 'sip:acme.test' }),
        }));
        expect(asResponse(await viaB.next()).status).toBe(200);
      } finally {
        await viaB.close();
      }
      const [binding] = await readBindings({ storeEndpoint }, 'acme', '1001');
      expect(binding.edgeId).toBe('edge-b');
    } finally {
      await client.close();
    }
  });

  it('/healthz answers 503 once the store stops answering', async () => {
    expect((await fetch(`http://127.0.0.1:${edgeA.httpPort}/healthz`)).status).toBe(200);
    store.closeAllConnections();
    await new Promise<void>((resolve) => store.close(() => resolve()));
    const res = await fetch(`http://127.0.0.1:${edgeA.httpPort}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'unavailable' });
  });
});
