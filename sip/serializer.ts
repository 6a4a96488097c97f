/**
 * Writes a message to wire form (RFC 3261 §7): start line, `Name: value`
 * lines in order, blank line, body. Content-Length is always recomputed from
 * the UTF-8 body length (mandatory on streams, RFC 3261 §18.3 / §20.14).
 */
import { canonicalHeaderName } from './header-names.js';
import { SIP_VERSION, type SipMessage } from './message.js';

const CRLF = '\r\n';

/** Keeps a value on one line: embedded line breaks would let data inject headers. */
function oneLine(s: string): string {
  return s.replace(/[\r\n]+[ \t]*/g, ' ');
}

export function serializeMessage(msg: SipMessage): string {
  const body = msg.body ?? '';
  const startLine =
    msg.kind === 'request'
      ? `${oneLine(msg.method)} ${oneLine(msg.uri)} ${SIP_VERSION}`
      : `${SIP_VERSION} ${msg.status} ${oneLine(msg.reason)}`;
  const lines: string[] = [startLine];
  let lengthWritten = false;
  const contentLength = `Content-Length: ${Buffer.byteLength(body, 'utf8')}`;
  for (const h of msg.headers) {
    if (canonicalHeaderName(h.name) === 'Content-Length') {
      // Replace any received value in place; further copies are dropped.
      if (!lengthWritten) lines.push(contentLength);
      lengthWritten = true;
      continue;
    }
    lines.push(`${oneLine(h.name)}: ${oneLine(h.value)}`);
  }
  if (!lengthWritten) lines.push(contentLength);
  return lines.join(CRLF) + CRLF + CRLF + body;
}
