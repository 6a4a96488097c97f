/**
 * WWW-Authenticate / Proxy-Authenticate / Authorization / Proxy-Authorization
 * values (RFC 3261 §20.7, §20.27, §20.28, §20.44; RFC 7616 §3.3, §3.4):
 *   challenge / credentials = auth-scheme LWS auth-param *( COMMA auth-param )
 * These are NOT list headers: the commas separate auth-params of one value.
 */
import { isToken, setOwn, splitTopLevel } from './grammar.js';
import { isQuotedString, quote, unquote } from './params.js';
import type { DigestAlgorithm } from './digest.js';
import { cachedParser } from './parse-cache.js';

export interface DigestParams {
  /** Auth scheme as received, e.g. 'Digest'. Compare case-insensitively. */
  scheme: string;
  /** auth-params; names lowercased, values unquoted. */
  params: Record<string, string>;
}

function parseAuthHeaderText(value: string): DigestParams | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^\s*([^\s,]+)(?:\s+([\s\S]*))?$/.exec(value);
  if (!m || !isToken(m[1])) return undefined;
  const scheme = m[1];
  const params: Record<string, string> = {};
  const split = splitTopLevel(m[2] ?? '', ',');
  if (!split.balanced) return undefined;
  for (const seg of split.segments) {
    const eq = seg.indexOf('=');
    if (eq <= 0) return undefined;
    const name = seg.slice(0, eq).trim().toLowerCase();
    const raw = seg.slice(eq + 1).trim();
    if (!isToken(name)) return undefined;
    // Repeated parameters are ambiguous (RFC 7616 §3.4: each directive at most once); reject.
    if (Object.prototype.hasOwnProperty.call(params, name)) return undefined;
    let v: string;
    if (raw.startsWith('"')) {
      if (!isQuotedString(raw)) return undefined;
      v = unquote(raw);
    } else {
      if (/[\s"]/.test(raw)) return undefined;
      v = raw;
    }
    setOwn(params, name, v);
  }
  return { scheme, params };
}

/** Parses a challenge or credentials value; undefined when malformed or a parameter repeats. */
export const parseAuthHeader = cachedParser(parseAuthHeaderText);

export interface ChallengeOptions {
  realm: string;
  nonce: string;
  algorithm: DigestAlgorithm;
  qop?: string;
  stale?: boolean;
  opaque?: string;
}

/** `Digest realm="x", nonce="y", algorithm=MD5, qop="auth"[, stale=true][, opaque="..."]` (RFC 7616 §3.3). */
export function formatChallenge(c: ChallengeOptions): string {
  const parts = [`realm=${quote(c.realm)}`, `nonce=${quote(c.nonce)}`, `algorithm=${c.algorithm}`];
  if (c.qop !== undefined) parts.push(`qop=${quote(c.qop)}`);
  if (c.stale) parts.push('stale=true');
  if (c.opaque !== undefined) parts.push(`opaque=${quote(c.opaque)}`);
  return 'Digest ' + parts.join(', ');
}

export interface CredentialsOptions {
  username: string;
  realm: string;
  nonce: string;
  /** digest-uri: the Request-URI of the request being authorised. */
  uri: string;
  /** Hex digest from computeDigestResponse. */
  response: string;
  algorithm: DigestAlgorithm;
  cnonce?: string;
  qop?: 'auth';
  /** nonce-count, 8 hex digits (e.g. '00000001'). */
  nc?: string;
  opaque?: string;
}

/** Credentials for a UAC (RFC 7616 §3.4); qop/nc/cnonce are written only when qop is set. */
export function formatCredentials(c: CredentialsOptions): string {
  const parts = [
    `username=${quote(c.username)}`,
    `realm=${quote(c.realm)}`,
    `nonce=${quote(c.nonce)}`,
    `uri=${quote(c.uri)}`,
    `response=${quote(c.response)}`,
    `algorithm=${c.algorithm}`,
  ];
  if (c.qop !== undefined) {
    parts.push(`cnonce=${quote(c.cnonce ?? '')}`, `qop=${c.qop}`, `nc=${c.nc ?? '00000001'}`);
  }
  if (c.opaque !== undefined) parts.push(`opaque=${quote(c.opaque)}`);
  return 'Digest ' + parts.join(', ');
}
