import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getHeader } from '../../sip/index.js';
import { hasTool } from '../support/require-tool.js';
import { asResponse, tcpClient, wsClient } from '../support/raw-sip-client.js';
import { registerRequest } from '../support/register-request.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

/** With a certificate configured, SIP over TLS and WSS work (self-signed for the test, trusted by the client). */
describe.runIf(hasTool('openssl'))('TLS and WSS', () => {
  let stack: TestStack;
  let certDir: string;
  let ca: Buffer;

  beforeAll(async () => {
    certDir = await mkdtemp(join(tmpdir(), 'nimbus-cert-'));
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout', join(certDir, 'key.pem'), '-out', join(certDir, 'cert.pem'),
    ], { stdio: 'ignore' });
    ca = await readFile(join(certDir, 'cert.pem'));
    stack = await startTestStack({ env: { PBX_TLS_CERT: join(certDir, 'cert.pem'), PBX_TLS_KEY: join(certDir, 'key.pem') } });
  });
  afterAll(async () => {
    await stack?.dispose();
    await rm(certDir, { recursive: true, force: true });
  });

  it('answers a REGISTER over SIP/TLS with a digest challenge', async () => {
    expect(stack.tlsPort).toBeGreaterThan(0);
    const client = await tcpClient('127.0.0.1', stack.tlsPort!, '127.0.0.1', { ca, servername: 'localhost' });
    try {
      client.send(registerRequest({ transport: 'TCP', localHost: '127.0.0.1', localPort: client.localPort, user: '1001', domain: 'acme.test', callId: 'tls-1', cseq: 1, contact: '<sip:1001@127.0.0.1;transport=tls>', expires: 300 }).replace('SIP/2.0/TCP', 'SIP/2.0/TLS'));
      const res = asResponse(await client.next());
      expect(res.status).toBe(401);
      expect(getHeader(res, 'WWW-Authenticate')).toContain('realm="acme.test"');
    } finally {
      await client.close();
    }
  });

  it('accepts SIP over secure WebSocket on the HTTPS port', async () => {
    const client = await wsClient(`wss://localhost:${stack.httpPort}/ws`, ['sip'], { ca });
    try {
      client.send(registerRequest({ transport: 'WS', localHost: 'abc.invalid', localPort: 0, user: '1001', domain: 'acme.test', callId: 'wss-1', cseq: 1, contact: '<sip:1001@abc.invalid;transport=ws>', expires: 300 }).replace('SIP/2.0/WS', 'SIP/2.0/WSS'));
      expect(asResponse(await client.next()).status).toBe(401);
    } finally {
      await client.close();
    }
  });
});
