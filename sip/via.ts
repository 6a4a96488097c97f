/**
 * Via header field (RFC 3261 §20.42, grammar §25.1):
 *   via-parm = sent-protocol LWS sent-by *( SEMI via-params )
 *   sent-protocol = protocol-name SLASH protocol-version SLASH transport
 * SLASH and COLON allow surrounding whitespace, so `SIP / 2.0 / UDP` is valid
 * (RFC 4475 §3.1.1.1). Use getHeaders(msg, 'Via') to split a Via line that
 * carries several via-parms.
 */
import { isToken } from './grammar.js';
import { formatHostPort, parseHostPort } from './host-port.js';
import { formatParams, tryParseParams } from './params.js';
import { cachedParser } from './parse-cache.js';

export interface Via {
  /** 'SIP/2.0' */
  protocol: string;
  /** Upper case: UDP TCP TLS WS WSS SCTP (or an extension token). */
  transport: string;
  /** sent-by host; IPv6 references keep their brackets. */
  host: string;
  port?: number;
  /** via-params (branch, received, rport, maddr, ttl, ...); `rport` without value is `null`. */
  params: Record<string, string | null>;
}

/** RFC 3261 §8.1.1.7: branches of RFC 3261 compliant elements start with this cookie. */
export const BRANCH_MAGIC_COOKIE = 'z9hG4bK';

const SENT_PROTOCOL_RE = /^([^\s/]+)\s*\/\s*([^\s/]+)\s*\/\s*([^\s/;]+)\s+/;

function parseViaText(value: string): Via | undefined {
  if (typeof value !== 'string') return undefined;
  const t = value.trim();
  const m = SENT_PROTOCOL_RE.exec(t);
  if (!m) return undefined;
  const [, name, version, transport] = m;
  if (!isToken(name) || !isToken(version) || !isToken(transport)) return undefined;
  if (name.toUpperCase() !== 'SIP' || version !== '2.0') return undefined;
  const hp = parseHostPort(t.slice(m[0].length), true);
  if (!hp) return undefined;
  const rest = hp.rest.trim();
  if (rest !== '' && !rest.startsWith(';')) return undefined;
  const params = tryParseParams(rest);
  if (!params) return undefined;
  // ttl = 1*3DIGIT (0-255), RFC 3261 §25.1; a garbage ttl makes the whole Via suspect.
  const ttl = params.ttl;
  if (ttl !== undefined && ttl !== null && !(/^\d{1,3}$/.test(ttl) && Number(ttl) <= 255)) return undefined;
  const via: Via = { protocol: 'SIP/2.0', transport: transport.toUpperCase(), host: hp.host, params };
  if (hp.port !== undefined) via.port = hp.port;
  return via;
}

/** Parses one via-parm; undefined when malformed or not SIP/2.0. */
export const parseVia = cachedParser(parseViaText);

/** `SIP/2.0/UDP host:port;branch=...` */
export function formatVia(v: Via): string {
  return `${v.protocol}/${v.transport.toUpperCase()} ${formatHostPort(v.host, v.port)}${formatParams(v.params ?? {})}`;
}
