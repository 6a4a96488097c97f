/**
 * Attacks that make the PBX send to a third party: a REGISTER whose Contact
 * names another host (calls to the user then ring a victim, or a premium
 * number's gateway), a TCP phone's Contact naming a victim's port, a
 * `received` parameter written by the client (responses reflected to a
 * victim), and in the cloud a registration pointing into the PBX's own
 * network. Victims listen on other loopback addresses and record what they get.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawUa } from '../../support/raw-ua.js';
import { readBindings } from '../../support/store-inspect.js';
import { startTestStack, TEST_SEED, type TestStack } from '../../support/test-stack.js';
import { registerRequest } from '../../support/register-request.js';

const CAROL = { ext: '1003', password: 's3cret-1003', domain: 'acme.test' };
const ALICE = { ext: '1001', password: 's3cret-1001', domain: 'acme.test' };

/** A UDP listener on a victim's address that records every datagram. */
async function udpVictim(host: string) {
  const socket = dgram.createSocket('udp4');
  const got: string[] = [];
  socket.on('message', (m) => got.push(m.toString()));
  await new Promise<void>((r) => socket.bind(0, host, r));
  return { port: socket.address().port, got, close: () => new Promise<void>((r) => socket.close(() => r())) };
}

describe('the edge dials only where it should', () => {
  let stack: TestStack;
  let cloud: TestStack;
  const closers: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    stack = await startTestStack({ seed: TEST_SEED, env: { PBX_PIKE_REQUESTS: '0' } });
    cloud = await startTestStack({ seed: TEST_SEED, env: { PBX_PIKE_REQUESTS: '0', PBX_PRIVATE_CONTACTS: 'deny' } });
  });
  afterAll(async () => {
    for (const close of closers) await close();
    await stack?.dispose();
    await cloud?.dispose();
  });

  const open = async (host: string, user = CAROL, target = stack) => {
    const ua = await RawUa.open(host, { host: '127.0.0.1', port: target.sipPort }, user);
    closers.push(() => ua.close());
    return ua;
  };

  it('refuses a UDP Contact naming another host (another address, a public host, a name) with a clear 403, and calls never reach that host', async () => {
    const victim = await udpVictim('127.0.0.82');
    closers.push(victim.close);
    const attacker = await open('127.0.0.81');
    for (const contact of [`<sip:1003@127.0.0.82:${victim.port}>`, '<sip:1003@203.0.113.7:5060>', '<sip:1003@gateway.example.com>']) {
      const r = await attacker.register({ contact });
      expect(r.final?.status, contact).toBe(403);
      expect(r.final?.reason).toBe('Contact must name the address the device registers from');
    }
    expect(await readBindings(stack, 'acme', '1003')).toEqual([]);
    const caller = await open('127.0.0.80', ALICE);
    expect((await caller.request({ method: 'INVITE', uri: 'sip:1003@acme.test' })).final?.status).toBe(480);
    expect(victim.got).toEqual([]);
  });

  it('takes a NAT’d phone’s private Contact, but delivers to the address it registered from', async () => {
    const phone = await open('127.0.0.83');
    expect((await phone.register({ contact: `<sip:1003@192.168.1.20:${phone.port}>` })).final?.status).toBe(200);
    const caller = await open('127.0.0.84', ALICE);
    const call = await caller.request({ method: 'INVITE', uri: 'sip:1003@acme.test' });
    expect(call.final?.status).toBe(200);
    expect(phone.received.some((r) => r.method === 'INVITE')).toBe(true);
    await phone.register({ contact: `<sip:1003@192.168.1.20:${phone.port}>`, expires: 0 });
  });

  it('never connects to the host a TCP phone’s Contact names once its connection is gone', async () => {
    const victimConnections: string[] = [];
    const victim = net.createServer((s) => {
      victimConnections.push(`${s.remoteAddress}`);
      s.destroy();
    });
    await new Promise<void>((r) => victim.listen(0, '127.0.0.86', r));
    closers.push(() => new Promise<void>((r) => victim.close(() => r())));
    const victimPort = (victim.address() as net.AddressInfo).port;

    // A TCP phone at 127.0.0.85 whose Contact names the victim's listening port (a stream Contact is accepted: the flow is the way in).
    const socket = net.connect({ host: '127.0.0.1', port: stack.sipPort, localAddress: '127.0.0.85' });
    await new Promise<void>((r) => socket.once('connect', () => r()));
    const send = (text: string) => socket.write(text);
    const responses: string[] = [];
    socket.on('data', (d) => responses.push(d.toString()));
    const base = { transport: 'TCP' as const, localHost: '127.0.0.85', localPort: socket.localPort!, user: '1003', domain: 'acme.test', callId: `tcp-${randomBytes(4).toString('hex')}` };
    const contact = `<sip:1003@127.0.0.86:${victimPort};transport=tcp>`;
    send(registerRequest({ ...base, cseq: 1, contact, expires: 300 }));
    await until(() => responses.some((r) => r.startsWith('SIP/2.0 401')));
    const { answerChallenge } = await import('../../support/register-request.js');
    const { parseMessage } = await import('../../../sip/index.js');
    const challenge = parseMessage(responses.find((r) => r.startsWith('SIP/2.0 401'))!);
    if (!challenge.ok || challenge.message.kind !== 'response') throw new Error('no challenge');
    send(registerRequest({ ...base, cseq: 2, contact, expires: 300, authorization: answerChallenge(challenge.message, { user: '1003', password: 's3cret-1003', uri: 'sip:acme.test' }) }));
    await until(() => responses.some((r) => r.startsWith('SIP/2.0 200')));
    socket.destroy();
    await new Promise((r) => setTimeout(r, 300));

    const caller = await open('127.0.0.87', ALICE);
    const call = await caller.request({ method: 'INVITE', uri: 'sip:1003@acme.test', timeoutMs: 8000 });
    expect(call.final?.status).toBeGreaterThanOrEqual(400);
    expect(victimConnections).toEqual([]);
  });

  it('overwrites a received parameter the client wrote: the answer goes to the real source, not to a victim', async () => {
    const victim = await udpVictim('127.0.0.89');
    closers.push(victim.close);
    const prober = dgram.createSocket('udp4');
    const answers: string[] = [];
    prober.on('message', (m) => answers.push(m.toString()));
    await new Promise<void>((r) => prober.bind(0, '127.0.0.88', r));
    closers.push(() => new Promise<void>((r) => prober.close(() => r())));
    const port = prober.address().port;
    const options = [
      'OPTIONS sip:127.0.0.1 SIP/2.0',
      `Via: SIP/2.0/UDP 127.0.0.88:${port};branch=z9hG4bK-${randomBytes(4).toString('hex')};received=127.0.0.89`,
      'Max-Forwards: 70',
      'From: <sip:probe@127.0.0.88>;tag=1',
      'To: <sip:127.0.0.1>',
      `Call-ID: reflect-${randomBytes(4).toString('hex')}`,
      'CSeq: 1 OPTIONS',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    // The victim listens on the sent-by port the attacker names for it.
    const victimOptions = options.replace(`127.0.0.88:${port}`, `127.0.0.88:${victim.port}`);
    prober.send(victimOptions, stack.sipPort, '127.0.0.1');
    await until(() => answers.length > 0 || victim.got.length > 0, 2000).catch(() => undefined);
    expect(victim.got).toEqual([]);
  });

  it('in the cloud refuses registrations from private, loopback or link-local addresses, and Contacts naming loopback or the metadata service', async () => {
    const phone = await open('127.0.0.90', CAROL, cloud);
    const r = await phone.register();
    expect(r.final?.status).toBe(403);
    expect(r.final?.reason).toBe('Private source addresses are not served');
    expect(await readBindings(cloud, 'acme', '1003')).toEqual([]);
  });
});

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
