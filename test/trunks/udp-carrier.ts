import dgram from 'node:dgram';
import { createResponse, getHeader, parseMessage, serializeMessage, type SipRequest } from '../../sip/index.js';

export interface CarrierRegister {
  /** The sender's port: which edge sent the REGISTER. */
  fromPort: number;
  callId: string;
  expires: number;
}

export interface UdpCarrier {
  port: number;
  registers: CarrierRegister[];
  close(): Promise<void>;
}

/**
 * A carrier registrar that accepts every REGISTER without a challenge (200,
 * granting what was asked) and remembers who sent it. Enough to see which
 * edge keeps a line registered; digest answering is proven against SIPp elsewhere.
 */
export async function startUdpCarrier(): Promise<UdpCarrier> {
  const socket = dgram.createSocket('udp4');
  const registers: CarrierRegister[] = [];
  socket.on('message', (data, rinfo) => {
    const parsed = parseMessage(data);
    if (!parsed.ok || parsed.message.kind !== 'request' || parsed.message.method !== 'REGISTER') return;
    const req: SipRequest = parsed.message;
    const expires = Number(getHeader(req, 'Expires') ?? '3600');
    registers.push({ fromPort: rinfo.port, callId: getHeader(req, 'Call-ID') ?? '', expires });
    const contact = getHeader(req, 'Contact') ?? '';
    const res = createResponse(req, 200, 'OK', {
      toTag: 'carrier',
      headers: [
        { name: 'Contact', value: `${contact};expires=${expires}` },
        { name: 'Expires', value: String(expires) },
      ],
    });
    socket.send(serializeMessage(res), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    registers,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
