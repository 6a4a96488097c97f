/**
 * Attack: a callee (or anybody a call is forwarded to) collects the caller's
 * digest credentials from the requests the PBX forwards, to replay them and
 * call as the caller. RFC 3261 §22.3: a proxy consumes the credentials meant
 * for its own realm. The callee here records every request exactly as it
 * arrived.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getHeader, getHeaders } from '../../../sip/index.js';
import { RawUa } from '../../support/raw-ua.js';
import { startTestStack, TEST_SEED, type TestStack } from '../../support/test-stack.js';

const CREDENTIAL_HEADERS = ['Authorization', 'Proxy-Authorization'];

describe('credentials never leave the PBX', () => {
  let stack: TestStack;
  let caller: RawUa;
  let callee: RawUa;

  beforeAll(async () => {
    stack = await startTestStack({ seed: TEST_SEED, env: { PBX_PIKE_REQUESTS: '0' } });
    const pbx = { host: '127.0.0.1', port: stack.sipPort };
    caller = await RawUa.open('127.0.0.51', pbx, { ext: '1001', password: 's3cret-1001', domain: 'acme.test' });
    callee = await RawUa.open('127.0.0.52', pbx, { ext: '1003', password: 's3cret-1003', domain: 'acme.test' });
    expect((await callee.register()).final?.status).toBe(200);
  });
  afterAll(async () => {
    await caller?.close();
    await callee?.close();
    await stack?.dispose();
  });

  const leaked = (req: { headers: Array<{ name: string; value: string }> }) =>
    req.headers.filter((h) => CREDENTIAL_HEADERS.some((n) => n.toLowerCase() === h.name.toLowerCase())).map((h) => `${h.name}: ${h.value}`);

  it('an answered INVITE reaches the callee without the caller’s Proxy-Authorization, and so do its BYE and a MESSAGE', async () => {
    const seen = callee.received.length;
    const call = await caller.request({ method: 'INVITE', uri: 'sip:1003@acme.test' });
    expect(call.final?.status).toBe(200);
    // The caller did authenticate: its second INVITE carried credentials for the tenant's realm.
    expect(call.sent[1]).toMatch(/Proxy-Authorization: Digest username="1001", realm="acme.test"/);
    const invite = await callee.nextRequest('INVITE', 5000, seen);
    expect(invite).toBeDefined();
    expect(leaked(invite!)).toEqual([]);

    // In the dialog the caller sends its credentials again (many phones do): they stop at the PBX too.
    const routes = getHeaders(call.final!, 'Record-Route').reverse();
    const toTag = /tag=([^;>\s]+)/.exec(getHeader(call.final!, 'To') ?? '')![1];
    const proxyAuth = /Proxy-Authorization: (.*)/.exec(call.sent[1]!)![1]!;
    const bye = await caller.request({
      method: 'BYE',
      uri: getHeader(call.final!, 'Contact')!.replace(/^<|>$/g, ''),
      to: '<sip:1003@acme.test>',
      toTag,
      callId: getHeader(call.final!, 'Call-ID')!,
      fromTag: /tag=([^;>\s]+)/.exec(getHeader(call.final!, 'From')!)![1],
      cseq: 10,
      headers: [...routes.map((r): [string, string] => ['Route', r]), ['Proxy-Authorization', proxyAuth], ['Authorization', proxyAuth]],
      authenticate: false,
    });
    expect(bye.final?.status).toBe(200);
    const forwardedBye = await callee.nextRequest('BYE', 5000, seen);
    expect(forwardedBye).toBeDefined();
    expect(leaked(forwardedBye!)).toEqual([]);

    const message = await caller.request({ method: 'MESSAGE', uri: 'sip:1003@acme.test', body: 'hello' });
    expect(message.final?.status).toBe(200);
    const forwardedMessage = await callee.nextRequest('MESSAGE', 5000, seen);
    expect(forwardedMessage).toBeDefined();
    expect(leaked(forwardedMessage!)).toEqual([]);
  });
});
