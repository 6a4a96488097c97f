import { getHeaders, parseVia } from '../../../sip/index.js';
import type { SipResponse } from '../../../sip/message.js';
import { defaultSipPort, type Destination, type Source } from '../../../contracts/transport.js';

/**
 * Where a response goes (RFC 3261 §18.2.2 with RFC 3581 §4):
 * - reliable transports: back over the connection the request came on, if it is still open;
 *   otherwise a new connection to the `received` address and the sent-by port (never for WebSocket: a browser cannot be dialled);
 * - UDP: to `received` (the real source) and `rport` when the client asked for it, else the sent-by port.
 * `undefined` means the response cannot be delivered.
 */
export function responseDestination(res: SipResponse, source: Source, flowOpen: boolean): Destination | undefined {
  if (source.flowId && flowOpen) {
    return { protocol: source.protocol, address: source.address, port: source.port, flowId: source.flowId };
  }
  const top = getHeaders(res, 'Via')[0];
  const via = top === undefined ? undefined : parseVia(top);
  if (!via) return undefined;
  const address = via.params.received ?? source.address;
  if (source.protocol === 'ws' || source.protocol === 'wss') return undefined;
  if (source.protocol === 'udp') {
    const rport = Number(via.params.rport);
    const port = Number.isInteger(rport) && rport > 0 ? rport : via.port ?? 5060;
    return { protocol: 'udp', address, port };
  }
  return { protocol: source.protocol, address, port: via.port ?? defaultSipPort(source.protocol) };
}
