/**
 * SIP and SIPS URIs (RFC 3261 §19.1, grammar §25.1), IPv6 references
 * (RFC 5118) and a minimal tel: URI (RFC 3966) as used in Request-URIs and
 * From/To of PSTN calls.
 *
 * The user part is percent-decoded (RFC 3261 §19.1.4 compares unescaped user
 * parts) and re-escaped by formatUri; uri-parameter and header values are kept
 * exactly as received so that formatUri(parseUri(x)) is faithful.
 */
import { getOwn, setOwn } from './grammar.js';
import { formatHostPort, parseHostPort } from './host-port.js';
import { cachedParser } from './parse-cache.js';

export interface SipUri {
  /** Lower case: 'sip' | 'sips' | 'tel'. */
  scheme: string;
  /** Percent-decoded user part (for tel: the telephone number). */
  user?: string;
  password?: string;
  /** Host as received; IPv6 references keep their brackets. '' for tel: URIs. */
  host: string;
  port?: number;
  /** uri-parameters; names lowercased, values raw; `null` for a parameter without value (e.g. `lr`). */
  params: Record<string, string | null>;
  /** URI headers (`?name=value&...`), raw. */
  headers: Record<string, string>;
}

// user = 1*( unreserved / escaped / user-unreserved ) (RFC 3261 §25.1)
const USER_RE = /^(?:[A-Za-z0-9\-_.!~*'()&=+$,;?/]|%[0-9A-Fa-f]{2})+$/;
// password = *( unreserved / escaped / "&" / "=" / "+" / "$" / "," )
const PASSWORD_RE = /^(?:[A-Za-z0-9\-_.!~*'()&=+$,]|%[0-9A-Fa-f]{2})*$/;
// paramchar = param-unreserved / unreserved / escaped
const PARAM_RE = /^(?:[A-Za-z0-9\-_.!~*'()[\]/:&+$]|%[0-9A-Fa-f]{2})*$/;
// hname / hvalue = *( hnv-unreserved / unreserved / escaped )
const HEADER_RE = /^(?:[A-Za-z0-9\-_.!~*'()[\]/?:+$]|%[0-9A-Fa-f]{2})*$/;
// tel: global/local number with visual separators (RFC 3966 §3), kept loose.
const TEL_RE = /^[0-9A-Fa-f*#+\-.()pPwW]+$/;

function percentDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined; // escaped bytes that are not UTF-8
  }
}

function percentEncode(s: string, keep: RegExp): string {
  let encoded: string;
  try {
    encoded = encodeURIComponent(s);
  } catch {
    encoded = encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, '\uFFFD')); // lone surrogates
  }
  return encoded.replace(/%([0-9A-F]{2})/g, (m, hex: string) => {
    const ch = String.fromCharCode(parseInt(hex, 16));
    return keep.test(ch) ? ch : m;
  });
}

function parseUriParams(text: string, into: Record<string, string | null>): boolean {
  for (const seg of text.split(';')) {
    if (seg === '') continue;
    const eq = seg.indexOf('=');
    const name = (eq < 0 ? seg : seg.slice(0, eq)).toLowerCase();
    const value = eq < 0 ? null : seg.slice(eq + 1);
    if (name === '' || !PARAM_RE.test(name) || (value !== null && !PARAM_RE.test(value))) return false;
    if (getOwn(into, name) === undefined) setOwn(into, name, value);
  }
  return true;
}

function parseUriHeaders(text: string, into: Record<string, string>): boolean {
  for (const seg of text.split('&')) {
    if (seg === '') continue;
    const eq = seg.indexOf('=');
    if (eq <= 0) return false;
    const name = seg.slice(0, eq);
    const value = seg.slice(eq + 1);
    if (!HEADER_RE.test(name) || !HEADER_RE.test(value)) return false;
    if (getOwn(into, name) === undefined) setOwn(into, name, value);
  }
  return true;
}

function parseUriText(text: string): SipUri | undefined {
  if (typeof text !== 'string' || text.length > 8192) return undefined;
  const t = text.trim();
  // No LWS, controls, or name-addr delimiters inside a URI (RFC 3261 §25.1).
  if (/[\x00-\x20\x7f<>"]/.test(t)) return undefined;
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(t);
  if (!m) return undefined;
  const scheme = m[1].toLowerCase();
  let rest = t.slice(m[0].length);
  const params: Record<string, string | null> = {};
  const headers: Record<string, string> = {};

  if (scheme === 'tel') {
    const semi = rest.indexOf(';');
    const number = semi < 0 ? rest : rest.slice(0, semi);
    if (!TEL_RE.test(number)) return undefined;
    if (semi >= 0 && !parseUriParams(rest.slice(semi + 1), params)) return undefined;
    return { scheme, user: number, host: '', params, headers };
  }
  if (scheme !== 'sip' && scheme !== 'sips') return undefined;

  let user: string | undefined;
  let password: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    rest = rest.slice(at + 1);
    const colon = userinfo.indexOf(':');
    const rawUser = colon < 0 ? userinfo : userinfo.slice(0, colon);
    if (!USER_RE.test(rawUser)) return undefined;
    user = percentDecode(rawUser);
    if (user === undefined) return undefined;
    if (colon >= 0) {
      const rawPassword = userinfo.slice(colon + 1);
      if (!PASSWORD_RE.test(rawPassword)) return undefined;
      password = percentDecode(rawPassword);
      if (password === undefined) return undefined;
    }
  }

  const hp = parseHostPort(rest);
  if (!hp) return undefined;
  rest = hp.rest;
  if (rest !== '' && rest[0] !== ';' && rest[0] !== '?') return undefined;
  const q = rest.indexOf('?');
  const paramText = q < 0 ? rest : rest.slice(0, q);
  if (!parseUriParams(paramText, params)) return undefined;
  if (q >= 0 && !parseUriHeaders(rest.slice(q + 1), headers)) return undefined;

  const uri: SipUri = { scheme, host: hp.host, params, headers };
  if (user !== undefined) uri.user = user;
  if (password !== undefined) uri.password = password;
  if (hp.port !== undefined) uri.port = hp.port;
  return uri;
}

/** Parses a sip:, sips: or tel: URI; undefined when malformed or another scheme. */
export const parseUri = cachedParser(parseUriText);

function formatUriParams(params: Record<string, string | null>): string {
  let out = '';
  for (const [name, value] of Object.entries(params)) out += value === null ? `;${name}` : `;${name}=${value}`;
  return out;
}

/** Writes a URI back; the user part is escaped where RFC 3261 §25.1 requires it. */
export function formatUri(uri: SipUri): string {
  const params = formatUriParams(uri.params ?? {});
  if (uri.scheme === 'tel') return `tel:${uri.user ?? ''}${params}`;
  let out = `${uri.scheme}:`;
  if (uri.user !== undefined) {
    out += percentEncode(uri.user, /[&=+$,;?/]/);
    if (uri.password !== undefined) out += ':' + percentEncode(uri.password, /[&=+$,]/);
    out += '@';
  }
  out += formatHostPort(uri.host, uri.port) + params;
  const headers = Object.entries(uri.headers ?? {});
  if (headers.length > 0) out += '?' + headers.map(([k, v]) => `${k}=${v}`).join('&');
  return out;
}

/** Parameters that, when present in either URI, must be present and equal in both (RFC 3261 §19.1.4). */
const SIGNIFICANT_PARAMS = ['user', 'ttl', 'method', 'maddr', 'transport'];

const lower = (v: string | null | undefined): string | undefined =>
  v === undefined ? undefined : v === null ? '' : v.toLowerCase();

/**
 * URI equivalence per RFC 3261 §19.1.4, simplified: scheme, user and password
 * (case-sensitive, unescaped), host and port (case-insensitive, no default
 * port), significant parameters, other parameters only when present in both,
 * and all URI headers.
 */
export function uriEquals(a: SipUri | string, b: SipUri | string): boolean {
  const x = typeof a === 'string' ? parseUri(a) : a;
  const y = typeof b === 'string' ? parseUri(b) : b;
  if (!x || !y) return false;
  if (x.scheme.toLowerCase() !== y.scheme.toLowerCase()) return false;
  if (x.user !== y.user || x.password !== y.password) return false;
  if (x.host.toLowerCase() !== y.host.toLowerCase() || x.port !== y.port) return false;
  const xp = x.params ?? {};
  const yp = y.params ?? {};
  for (const name of SIGNIFICANT_PARAMS) {
    if (lower(getOwn(xp, name)) !== lower(getOwn(yp, name))) return false;
  }
  for (const name of Object.keys(xp)) {
    const other = getOwn(yp, name);
    if (other !== undefined && lower(other) !== lower(xp[name])) return false;
  }
  const xh = Object.entries(x.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v] as const);
  const yh = new Map(Object.entries(y.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v] as const));
  if (xh.length !== yh.size) return false;
  for (const [k, v] of xh) if (yh.get(k) !== v) return false;
  return true;
}
