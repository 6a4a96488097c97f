/**
 * hostport = host [ ":" port ] (RFC 3261 §25.1), shared by SIP URIs and the
 * Via sent-by. IPv6 references keep their brackets (`[2001:db8::1]`) so the
 * host can be written back into a URI or Via unchanged (RFC 5118 §4).
 */

const HOSTNAME_RE = /^[A-Za-z0-9_](?:[A-Za-z0-9\-_.]*[A-Za-z0-9_.])?$/;
const IPV6_REFERENCE_RE = /^\[[0-9A-Fa-f:.]+(?:%[A-Za-z0-9\-_.~%]+)?\]$/;

/** hostname / IPv4address / IPv6reference; bare IPv6 without brackets is rejected (RFC 3261 §19.1.1). */
export function isValidHost(host: string): boolean {
  if (host.length === 0 || host.length > 255) return false;
  if (host.startsWith('[')) return IPV6_REFERENCE_RE.test(host) && host.includes(':');
  return HOSTNAME_RE.test(host);
}

export interface HostPort {
  host: string;
  port?: number;
  /** Text after the hostport (e.g. `;params` or `?headers`). */
  rest: string;
}

/** port = 1*DIGIT, restricted to the 16-bit range. */
export function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= 65535 ? n : undefined;
}

/**
 * Reads a hostport at the start of `text`. `allowLws` permits whitespace
 * around the colon, as the Via grammar does (COLON = SWS ":" SWS, RFC 3261 §25.1).
 */
export function parseHostPort(text: string, allowLws = false): HostPort | undefined {
  let host: string;
  let i: number;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return undefined;
    host = text.slice(0, close + 1);
    i = close + 1;
  } else {
    const m = /^[^:;?\s,>]*/.exec(text);
    host = m ? m[0] : '';
    i = host.length;
  }
  if (!isValidHost(host)) return undefined;
  let j = i;
  if (allowLws) while (j < text.length && (text[j] === ' ' || text[j] === '\t')) j++;
  let port: number | undefined;
  if (text[j] === ':') {
    j++;
    if (allowLws) while (j < text.length && (text[j] === ' ' || text[j] === '\t')) j++;
    const m = /^\d*/.exec(text.slice(j));
    const digits = m ? m[0] : '';
    port = parsePort(digits);
    if (port === undefined) return undefined;
    i = j + digits.length;
  }
  return { host, port, rest: text.slice(i) };
}

/** `host` or `host:port`. */
export function formatHostPort(host: string, port?: number): string {
  return port === undefined ? host : `${host}:${port}`;
}
