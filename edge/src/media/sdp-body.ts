import { getHeader } from '../../../sip/index.js';
import type { SipMessage } from '../../../sip/message.js';

/** The message carries an SDP offer or answer (RFC 3264 in a SIP body, Content-Type application/sdp, RFC 4566 §8.1). */
export function hasSdp(message: SipMessage): boolean {
  if (!message.body.trim()) return false;
  const type = (getHeader(message, 'Content-Type') ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/sdp';
}

/** Without its body: a provisional whose SDP could not be bridged is relayed without it rather than with media nobody can hear. */
export function dropBody(message: SipMessage): void {
  message.body = '';
  message.headers = message.headers.filter((h) => h.name !== 'Content-Type');
}
