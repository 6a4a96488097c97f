import hep from 'hep-js';
import { describe, expect, it } from 'vitest';
import { hepPacket, type HepMeta } from '../../../edge/src/ops/hep-packet.js';

const META: HepMeta = {
  protocol: 'ws',
  source: { address: '::ffff:192.0.2.10', port: 50_123 },
  destination: { address: '127.0.0.1', port: 8080 },
  timeMicros: 1_764_000_000_123_456,
  captureId: 7,
  nodeName: 'edge-a',
};

describe('hepPacket: one SIP message as HEP v3 (decoded back with hep-js)', () => {
  it.each([
    ['ASCII', 'OPTIONS sip:127.0.0.1 SIP/2.0\r\nCall-ID: abc\r\n\r\n'],
    ['a UTF-8 display name', 'MESSAGE sip:1002@acme.test SIP/2.0\r\nFrom: "Zoë Łukasz 🎧" <sip:1001@acme.test>;tag=1\r\nContent-Length: 6\r\n\r\nhé hé'],
  ])('carries %s byte for byte, with the addresses, time and capture agent', (_what, message) => {
    const decoded = hep.decapsulate(hepPacket(message, META)!);
    expect(decoded && decoded.payload).toBe(message);
    expect(decoded && decoded.rcinfo).toMatchObject({
      protocolFamily: 2,
      protocol: 6, // WebSocket travels over TCP
      srcIp: '192.0.2.10',
      srcPort: 50_123,
      dstIp: '127.0.0.1',
      dstPort: 8080,
      timeSeconds: 1_764_000_000,
      timeUseconds: 123_456,
      payloadType: 1,
      captureId: 7,
      hepNodeName: 'edge-a',
    });
  });

  it('is not built for an IPv6 peer (hep-js encodes IPv4 chunks only)', () => {
    expect(hepPacket('OPTIONS sip:x SIP/2.0\r\n\r\n', { ...META, source: { address: '2001:db8::1', port: 5060 } })).toBeUndefined();
  });
});
