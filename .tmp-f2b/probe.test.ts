import { it } from 'vitest';
import { startTestStack } from '../test/support/test-stack.js';
import { udpClient, tcpClient } from '../test/support/raw-sip-client.js';
import { optionsRequest } from '../test/security/f2b-support.js';

it('probe', async () => {
  const stack = await startTestStack();
  const c = await udpClient('127.0.0.1', stack.sipPort, '127.0.0.1');
  const base = optionsRequest('UDP', '127.0.0.1', c.localPort, 'x');
  const [head] = base.split('\r\n\r\n');
  const withHeaders = (extra: string) => head + '\r\n' + extra + '\r\n\r\n';
  const cases: Record<string, string | Buffer> = {
    truncStart: 'OPTIONS sip:127.0.0.1 SI',
    truncHeaders: base.slice(0, base.indexOf('To:')),
    utf8: Buffer.concat([Buffer.from(base.replace('From: <sip:probe', 'From: "ZZ" <sip:probe').split('ZZ')[0]!), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(base.replace('From: <sip:probe', 'From: "ZZ" <sip:probe').split('ZZ')[1]!)]),
    absurdCL: base.replace('Content-Length: 0', 'Content-Length: 99999999999999999999'),
    negCL: base.replace('Content-Length: 0', 'Content-Length: -5'),
    manyHeaders: withHeaders(Array.from({ length: 3000 }, (_, i) => `X-H${i}: v`).join('\r\n')),
    longLine: withHeaders(`X-Long: ${'a'.repeat(20000)}`),
    viaParams: base.replace(';rport', ';rport' + Array.from({ length: 3000 }, (_, i) => `;p${i}=v`).join('')),
    toParams: base.replace('To: <sip:127.0.0.1>', 'To: <sip:127.0.0.1>' + Array.from({ length: 3000 }, (_, i) => `;p${i}=v`).join('')),
    uriParams: base.replace('OPTIONS sip:127.0.0.1', 'OPTIONS sip:127.0.0.1' + Array.from({ length: 600 }, (_, i) => `;p${i}=v`).join('')),
    nested: base.replace('From: <sip:probe@127.0.0.1>', 'From: ' + '"'.repeat(1) + '<'.repeat(3000) + '"<sip:probe@127.0.0.1>'),
    bigBody: base.replace('Content-Length: 0\r\n\r\n', `Content-Length: 60000\r\n\r\n${'b'.repeat(60000)}`),
  };
  for (const [name, data] of Object.entries(cases)) {
    const t = Date.now();
    c.send(data);
    const r = await c.next(800).then((m) => m.kind === 'response' ? `${m.status} ${m.reason}` : 'req', () => 'silence');
    console.log('UDP', name, r, Date.now() - t, 'ms');
  }
  const tcpCases: Record<string, string | Buffer> = {
    negCL: base.replace('Content-Length: 0', 'Content-Length: -5'),
    noCL: base.replace('Content-Length: 0\r\n', ''),
    absurdCL: base.replace('Content-Length: 0', 'Content-Length: 999999999'),
    manyHeaders: withHeaders(Array.from({ length: 3000 }, (_, i) => `X-H${i}: v`).join('\r\n')),
    longLine: withHeaders(`X-Long: ${'a'.repeat(20000)}`),
    garbage: Buffer.from([0xff, 0x00, 0x13, 0x37, 0xfe, 0x0d, 0x0a, 0x0d, 0x0a]),
    crGarbage: Buffer.from('\r\x00\x01'),
  };
  for (const [name, data] of Object.entries(tcpCases)) {
    const t = await tcpClient('127.0.0.1', stack.sipPort, '127.0.0.1');
    const start = Date.now();
    t.send(data);
    const res = await Promise.race([t.closed.then(() => 'closed'), t.next(2500).then((m) => m.kind === 'response' ? `${m.status} ${m.reason}` : 'req', () => 'silence')]);
    console.log('TCP', name, res, Date.now() - start, 'ms');
    await t.close();
  }
  await stack.dispose();
}, 60000);
