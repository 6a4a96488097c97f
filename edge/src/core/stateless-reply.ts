import { createResponse } from '../../../sip/index.js';
import type { SipRequest } from '../../../sip/message.js';
import type { TransportLayer } from '../transport/transport-layer.js';
import type { Source } from '../../../contracts/transport.js';
import { SERVER_HEADER } from './pbx-capabilities.js';

/**
 * Answers a request outside any transaction (RFC 3261 §16.3/§8.2: a request
 * too broken to start a transaction still gets a 400 naming the problem when
 * its Via lets the response find its way back).
 */
export function replyStatelessly(transport: TransportLayer, req: SipRequest, source: Source, status: number, reason: string): void {
  const res = createResponse(req, status, reason, { headers: [{ name: 'Server', value: SERVER_HEADER }] });
  transport.sendResponse(res, source);
}
