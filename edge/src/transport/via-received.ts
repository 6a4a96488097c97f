import { addHeader, formatVia, getHeader, parseVia, removeFirstValue } from '../../../sip/index.js';
import type { SipMessage, SipRequest } from '../../../sip/message.js';
import type { Source } from '../../../contracts/transport.js';

/**
 * RFC 3261 §18.2.1 + RFC 3581 §4: the server transport records where a
 * request really came from in the top Via, so responses go back there and not
 * to the (possibly private or ".invalid", RFC 7118 §5.2) address the client claims.
 * - `received` is added when the sent-by host differs from the source address;
 * - an empty `rport` is filled with the source port, and then `received` is always added;
 * - a `received` (or `rport` value) the client wrote itself is overwritten: responses follow
 *   them, so a forged one would make the PBX send its answers to a third party (reflection).
 * Returns false when there is no parseable top Via (the caller answers 400).
 */
export function stampReceived(req: SipRequest, source: Source): boolean {
  const top = getHeader(req, 'Via');
  const via = top === undefined ? undefined : parseVia(top);
  if (!via) return false;
  const hasRport = Object.prototype.hasOwnProperty.call(via.params, 'rport');
  const hasReceived = Object.prototype.hasOwnProperty.call(via.params, 'received');
  // parseVia's answer is shared (sip/parse-cache.ts): the stamped Via is a copy.
  const params = { ...via.params };
  if (hasRport) params.rport = String(source.port);
  if (hasRport || hasReceived || stripBrackets(via.host) !== source.address) params.received = source.address;
  setTopVia(req, formatVia({ ...via, params }));
  return true;
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** Replaces the topmost Via value (which may share a header line with others) and keeps the rest in order. */
export function setTopVia(msg: SipMessage, value: string): void {
  removeFirstValue(msg, 'Via');
  addHeader(msg, 'Via', value, { prepend: true });
}
