import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import hep, { type HepDecoded } from 'hep-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getHeader, parseMessage } from '../../sip/index.js';
import { freePort } from '../support/free-port.js';
import { hasTool } from '../support/require-tool.js';
import { registerSippDevice } from '../support/sipp-devices.js';
import { startTestStack, TEST_SEED, type TestStack } from '../support/test-stack.js';
import { pause } from '../trunks/trunk-stack.js';

/** A Homer collector as far as the edge can tell: a UDP socket that decodes every datagram with hep-js. */
interface Collector {
  port: number;
  packets: HepDecoded[];
  close(): Promise<void>;
}

async function startCollector(): Promise<Collector> {
  const socket = dgram.createSocket('udp4');
  const packets: HepDecoded[] = [];
  socket.on('message', (datagram) => {
    const decoded = hep.decapsulate(datagram);
    if (!decoded) throw new Error(`not a HEP3 packet: ${datagram.toString('hex').slice(0, 40)}…`);
    packets.push(decoded);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { port: (socket.address() as AddressInfo).port, packets, close: () => new Promise((r) => socket.close(() => r())) };
}

/**
 * SIP capture to Homer (PBX_HEP_ADDRESS): a SIPp phone registers through
 * the running stack and the collector receives, as HEP v3, every message of
 * that exchange in both directions with the addresses, ports and transport
 * they really travelled with.
 */
describe.runIf(hasTool('sipp'))('HEP v3 capture of the SIP the edge receives and sends', () => {
  let stack: TestStack;
  let collector: Collector;
  const [acme] = TEST_SEED.tenants;

  beforeAll(async () => {
    collector = await startCollector();
    stack = await startTestStack({
      env: { PBX_HEP_ADDRESS: `127.0.0.1:${collector.port}`, PBX_HEP_CAPTURE_ID: '2001', PBX_HEP_PASSWORD: 'myHep' },
    });
  });
  afterAll(async () => {
    await stack?.dispose();
    await collector?.close();
  });

  /** The captured messages of the one SIP exchange that used this phone port, in order. */
  async function exchangeOf(phonePort: number, count: number) {
    const deadline = Date.now() + 3_000;
    const of = () => collector.packets.filter((p) => p.rcinfo.srcPort === phonePort || p.rcinfo.dstPort === phonePort);
    while (of().length < count && Date.now() < deadline) await pause(50);
    return of().map((p) => {
      const parsed = parseMessage(Buffer.from(p.payload ?? '', 'utf8'));
      if (!parsed.ok) throw new Error(`captured payload is not SIP: ${p.payload}`);
      return { rcinfo: p.rcinfo, message: parsed.message, payload: p.payload ?? '' };
    });
  }

  it.each(['udp', 'tcp'] as const)('a REGISTER over %s: REGISTER, 401, REGISTER, 200 — each in its direction, with capture id, key and node name', async (transport) => {
    const port = await freePort();
    await registerSippDevice(`127.0.0.1:${stack.sipPort}`, { ext: '1003', password: acme.users[2].password, domain: '127.0.0.1' }, transport, port);
    const captured = await exchangeOf(port, 4);
    expect(captured.map((c) => (c.message.kind === 'request' ? c.message.method : c.message.status))).toEqual(['REGISTER', 401, 'REGISTER', 200]);
    const phone = { ip: '127.0.0.1', port };
    const edge = { ip: '127.0.0.1', port: stack.sipPort };
    for (const { rcinfo, message } of captured) {
      const [from, to] = message.kind === 'request' ? [phone, edge] : [edge, phone];
      expect(rcinfo).toMatchObject({
        protocolFamily: 2,
        protocol: transport === 'udp' ? 17 : 6,
        srcIp: from.ip,
        srcPort: from.port,
        dstIp: to.ip,
        dstPort: to.port,
        payloadType: 1,
        captureId: 2001,
        capturePass: 'myHep',
        hepNodeName: 'edge-test',
      });
      expect(rcinfo.timeSeconds).toBeGreaterThan(1_700_000_000);
    }
    // One exchange, one Call-ID: Homer groups the four messages into one dialog.
    expect(new Set(captured.map((c) => getHeader(c.message, 'Call-ID'))).size).toBe(1);
    // The edge's 200 as it was sent: the binding the phone registered, with its granted expiry.
    expect(getHeader(captured[3].message, 'Contact')).toMatch(new RegExp(`:${port}.*expires=\\d+`));
    expect(captured[1].payload).toMatch(/^SIP\/2\.0 401 Unauthorized\r\n/);
  });
});
