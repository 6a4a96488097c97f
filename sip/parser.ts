/**
 * SIP message parser (RFC 3261 §7) for untrusted network input.
 *
 * - Never throws: every failure is `{ ok: false, error }` with a short reason
 *   usable as a 400 reason phrase.
 * - Accepts CRLF or bare LF line ends, header folding (§7.3.1), compact header
 *   names (§7.3.3), whitespace around the colon, and ignores CRLFs before the
 *   start line (§7.5).
 * - Frames the body with Content-Length (§18.3, §20.14); without it the body
 *   runs to the end of the datagram.
 * - Does not check mandatory headers; see validateRequest / validateResponse.
 */
import { isToken } from './grammar.js';
import { canonicalHeaderName } from './header-names.js';
import type { SipHeader, SipMessage, SipRequest } from './message.js';
import { type ParseLimits, resolveLimits } from './parse-limits.js';

export { DEFAULT_PARSE_LIMITS, type ParseLimits } from './parse-limits.js';
export { validateRequest, validateResponse } from './validate.js';

export type ParseResult =
  | { ok: true; message: SipMessage }
  | { ok: false; error: string; request?: SipRequest };

const LF = 0x0a;
const CR = 0x0d;

const REQUEST_LINE_RE = /^([A-Za-z0-9\-.!%*_+`'~]+) +(\S+) +(SIP\/\d+\.\d+) *$/i;
const STATUS_LINE_RE = /^(SIP\/\d+\.\d+) +(\d{3})(?: (.*))?$/i;

class ParseError extends Error {}

/** True when the line holds a control character other than HTAB (RFC 3261 §25.1 forbids them outside bodies). */
function hasControlChar(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = buf[i];
    if ((b < 0x20 && b !== 0x09) || b === 0x7f) return true;
  }
  return false;
}

/** Parses one datagram or one framed stream message. */
export function parseMessage(input: Buffer | string, limits?: Partial<ParseLimits>): ParseResult {
  try {
    return parse(input, resolveLimits(limits));
  } catch (e) {
    // Defensive: the code below is written not to throw; keep that promise even on a bug.
    return { ok: false, error: e instanceof ParseError ? e.message : 'Malformed message' };
  }
}

function toBuffer(input: Buffer | string, max: number): Buffer {
  if (typeof input === 'string') {
    // A UTF-16 code unit encodes to at least one byte: an over-long string is over-long in bytes too.
    if (input.length > max) throw new ParseError('Message too large');
    return Buffer.from(input, 'utf8');
  }
  if (Buffer.isBuffer(input)) return input;
  const u: unknown = input;
  // Plain Uint8Array (e.g. from a WebSocket library): view it without copying.
  if (u instanceof Uint8Array) return Buffer.from(u.buffer, u.byteOffset, u.byteLength);
  throw new ParseError('Invalid input');
}

function parse(input: Buffer | string, limits: ParseLimits): ParseResult {
  const buf = toBuffer(input, limits.maxMessageBytes);
  const len = buf.length;
  if (len > limits.maxMessageBytes) return { ok: false, error: 'Message too large' };

  let pos = 0;
  while (pos < len && (buf[pos] === CR || buf[pos] === LF)) pos++; // RFC 3261 §7.5
  if (pos >= len) return { ok: false, error: 'Empty message' };

  /** Reads the next physical line; `end` excludes the line terminator. */
  const nextLine = (): { start: number; end: number } | undefined => {
    if (pos >= len) return undefined;
    const nl = buf.indexOf(LF, pos);
    const start = pos;
    let end = nl < 0 ? len : nl;
    pos = nl < 0 ? len : nl + 1;
    if (end > start && buf[end - 1] === CR) end--;
    if (end - start > limits.maxLineLength) throw new ParseError('Line too long');
    return { start, end };
  };

  // ---- start line (RFC 3261 §7.1, §7.2)
  const first = nextLine();
  if (!first) return { ok: false, error: 'Empty message' };
  if (hasControlChar(buf, first.start, first.end)) return { ok: false, error: 'Malformed start line' };
  const startLine = buf.toString('utf8', first.start, first.end);
  let request: SipRequest | undefined;
  let status: { status: number; reason: string } | undefined;
  const rm = REQUEST_LINE_RE.exec(startLine);
  if (rm) {
    if (rm[3].toUpperCase() !== 'SIP/2.0') return { ok: false, error: 'Unsupported SIP version' };
    request = { kind: 'request', method: rm[1], uri: rm[2], headers: [], body: '' };
  } else {
    const sm = STATUS_LINE_RE.exec(startLine);
    if (!sm) return { ok: false, error: 'Malformed start line' };
    if (sm[1].toUpperCase() !== 'SIP/2.0') return { ok: false, error: 'Unsupported SIP version' };
    const code = Number(sm[2]);
    if (code < 100 || code > 699) return { ok: false, error: 'Invalid status code' };
    status = { status: code, reason: (sm[3] ?? '').trim() };
  }
  if (!request && !status) return { ok: false, error: 'Malformed start line' };

  // ---- header fields (RFC 3261 §7.3)
  const headers: SipHeader[] = [];
  let headerError: string | undefined;
  let lastValid = false; // whether a continuation line may extend the previous header
  let bodyStart = len;
  for (;;) {
    const line = nextLine();
    if (!line) break; // no blank line: tolerate end of datagram as end of headers
    if (line.end === line.start) {
      bodyStart = pos;
      break;
    }
    if (hasControlChar(buf, line.start, line.end)) {
      headerError ??= 'Invalid character in header';
      lastValid = false;
      continue;
    }
    const text = buf.toString('utf8', line.start, line.end);
    const c0 = buf[line.start];
    if (c0 === 0x20 || c0 === 0x09) {
      // Folding: the continuation and the CRLF before it are one SP (RFC 3261 §7.3.1).
      if (headers.length === 0 && !headerError) {
        headerError = 'Malformed header folding';
        continue;
      }
      if (lastValid) {
        const prev = headers[headers.length - 1];
        const cont = text.trim();
        if (cont !== '') prev.value = prev.value === '' ? cont : `${prev.value} ${cont}`;
        if (prev.value.length > limits.maxMessageBytes) throw new ParseError('Message too large');
      }
      continue;
    }
    if (headers.length >= limits.maxHeaders) return { ok: false, error: 'Too many headers' };
    const colon = text.indexOf(':');
    if (colon < 0) {
      headerError ??= 'Malformed header: missing colon';
      lastValid = false;
      continue;
    }
    const rawName = text.slice(0, colon).replace(/[ \t]+$/, ''); // HCOLON = *( SP / HTAB ) ":" SWS
    if (!isToken(rawName)) {
      headerError ??= 'Malformed header name';
      lastValid = false;
      continue;
    }
    headers.push({ name: canonicalHeaderName(rawName), value: text.slice(colon + 1).trim() });
    lastValid = true;
  }

  const partial = (error: string): ParseResult =>
    request ? { ok: false, error, request: { ...request, headers } } : { ok: false, error };

  if (headerError) return partial(headerError);

  // ---- body (RFC 3261 §7.4, §18.3, §20.14)
  let contentLength: number | undefined;
  for (const h of headers) {
    if (h.name !== 'Content-Length') continue;
    if (!/^\d+$/.test(h.value)) return partial('Malformed Content-Length');
    const n = h.value.length > 15 ? Number.MAX_SAFE_INTEGER : Number(h.value);
    if (contentLength !== undefined && contentLength !== n) return partial('Malformed Content-Length: conflicting values');
    contentLength = n;
  }
  const available = len - bodyStart;
  let bodyEnd = len;
  if (contentLength !== undefined) {
    if (contentLength > available) return partial('Content-Length exceeds body');
    bodyEnd = bodyStart + contentLength; // extra datagram bytes are ignored (RFC 3261 §18.3)
  }
  const body = buf.toString('utf8', bodyStart, bodyEnd);

  if (request) return { ok: true, message: { ...request, headers, body } };
  const st = status as { status: number; reason: string };
  return { ok: true, message: { kind: 'response', status: st.status, reason: st.reason, headers, body } };
}
