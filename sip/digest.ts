/**
 * HTTP Digest for SIP (RFC 3261 §22.4 with RFC 7616 algorithms as adopted by
 * RFC 8760: MD5 and SHA-256, qop=auth) and stateless nonces.
 *
 * Nonces are self-validating so that any stateless function instance holding
 * the shared secret can check them without a store (RFC 7616 §3.3 suggests a
 * timestamp plus a private key): base64url(timestamp|random) "." HMAC tag.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { fillRandom } from './random-pool.js';

export type DigestAlgorithm = 'MD5' | 'SHA-256';

/** Clock skew tolerated for nonces "from the future" (several instances, slightly different clocks). */
export const NONCE_MAX_FUTURE_SKEW_MS = 30_000;

function hash(algorithm: DigestAlgorithm, data: string): string {
  return createHash(algorithm === 'MD5' ? 'md5' : 'sha256')
    .update(data, 'utf8')
    .digest('hex');
}

/** HA1 = H(username ":" realm ":" password) (RFC 7616 §3.4.2, non -sess algorithms). */
export function computeHa1(algorithm: DigestAlgorithm, username: string, realm: string, password: string): string {
  return hash(algorithm, `${username}:${realm}:${password}`);
}

export interface DigestResponseInput {
  algorithm: DigestAlgorithm;
  ha1: string;
  method: string;
  digestUri: string;
  nonce: string;
  qop?: 'auth';
  nc?: string;
  cnonce?: string;
}

/**
 * RFC 7616 §3.4.1: with qop=auth, H(HA1:nonce:nc:cnonce:qop:HA2);
 * without qop (RFC 2069 compatibility, RFC 3261 §22.4), H(HA1:nonce:HA2).
 * HA2 = H(method ":" digest-uri).
 */
export function computeDigestResponse(o: DigestResponseInput): string {
  const ha2 = hash(o.algorithm, `${o.method}:${o.digestUri}`);
  if (o.qop === 'auth') {
    return hash(o.algorithm, `${o.ha1}:${o.nonce}:${o.nc ?? ''}:${o.cnonce ?? ''}:${o.qop}:${ha2}`);
  }
  return hash(o.algorithm, `${o.ha1}:${o.nonce}:${ha2}`);
}

/** Compares equal-length byte strings without leaking where they differ. */
function constantTimeEquals(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  if (x.length !== y.length) {
    timingSafeEqual(x, x); // keep the work roughly constant
    return false;
  }
  return timingSafeEqual(x, y);
}

/** True when `response` matches the expected digest (hex compared case-insensitively, in constant time). */
export function verifyDigestResponse(o: DigestResponseInput & { response: string }): boolean {
  if (typeof o.response !== 'string') return false;
  const expected = computeDigestResponse(o);
  return constantTimeEquals(expected, o.response.toLowerCase());
}

/**
 * What a nonce is issued for, and may only be used for (RFC 7616 §5.4 /
 * §5.5: limit a nonce to the client it was given to):
 * - `source`: the client's address (IP, no port): a nonce fetched from one
 *   address is invalid from another, so a forged source cannot answer it;
 * - `issuer`: the edge instance that issued it (edge id and boot). Only the
 *   issuer tracks which nonce counts were used (replays); any other edge,
 *   and the issuer after a restart, treat it as stale.
 */
export interface NonceBinding {
  source: string;
  issuer: string;
}

const NONCE_TS_BYTES = 8;
const NONCE_ISSUER_BYTES = 6;
const NONCE_RANDOM_BYTES = 10;
const NONCE_PAYLOAD_BYTES = NONCE_TS_BYTES + NONCE_ISSUER_BYTES + NONCE_RANDOM_BYTES;
const NONCE_TAG_BYTES = 16; // truncated HMAC-SHA256: 128 bits is plenty against forgery

/** The short, non-secret name of an issuer inside its nonces. */
export function nonceIssuerTag(issuer: string): string {
  return createHash('sha256').update(issuer, 'utf8').digest().subarray(0, NONCE_ISSUER_BYTES).toString('hex');
}

function nonceTag(secret: string, payload: Buffer, realm: string, source: string): Buffer {
  return createHmac('sha256', secret)
    .update(payload)
    .update('|')
    .update(realm, 'utf8')
    .update('|')
    .update(source, 'utf8')
    .digest()
    .subarray(0, NONCE_TAG_BYTES);
}

/** Stateless nonce bound to `realm` and `binding`, verifiable by any holder of `secret` until it expires. */
export function createNonce(secret: string, realm: string, nowMs: number, binding: NonceBinding): string {
  const payload = Buffer.alloc(NONCE_PAYLOAD_BYTES);
  payload.writeBigUInt64BE(BigInt(Math.max(0, Math.floor(nowMs))), 0);
  Buffer.from(nonceIssuerTag(binding.issuer), 'hex').copy(payload, NONCE_TS_BYTES);
  fillRandom(payload, NONCE_TS_BYTES + NONCE_ISSUER_BYTES, NONCE_RANDOM_BYTES);
  return `${payload.toString('base64url')}.${nonceTag(secret, payload, realm, binding.source).toString('base64url')}`;
}

export type NonceStatus = 'valid' | 'stale' | 'invalid';

export interface NonceCheck {
  /**
   * 'stale' = authentic but older than maxAgeMs, or issued by another edge
   * (or an earlier boot of this one): answer with stale=true so the UA retries
   * without prompting (RFC 7616 §3.3); 'invalid' = forged, garbled, for
   * another realm or another source address, or more than 30 s in the future.
   */
  status: NonceStatus;
  /** When it was issued (epoch ms), for authentic nonces. */
  issuedAt?: number;
}

/** Checks a nonce for `realm`, from `binding.source`, at the edge `binding.issuer`. */
export function checkNonce(secret: string, realm: string, nonce: string, nowMs: number, maxAgeMs: number, binding: NonceBinding): NonceCheck {
  if (typeof nonce !== 'string' || nonce.length > 128) return { status: 'invalid' };
  const m = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(nonce);
  if (!m) return { status: 'invalid' };
  const payload = Buffer.from(m[1], 'base64url');
  const tag = Buffer.from(m[2], 'base64url');
  // Reject non-canonical encodings so one nonce has exactly one spelling.
  if (payload.length !== NONCE_PAYLOAD_BYTES || payload.toString('base64url') !== m[1]) return { status: 'invalid' };
  if (tag.length !== NONCE_TAG_BYTES || tag.toString('base64url') !== m[2]) return { status: 'invalid' };
  if (!timingSafeEqual(tag, nonceTag(secret, payload, realm, binding.source))) return { status: 'invalid' };
  const issuedAt = Number(payload.readBigUInt64BE(0));
  if (issuedAt > nowMs + NONCE_MAX_FUTURE_SKEW_MS) return { status: 'invalid' };
  const issuer = payload.subarray(NONCE_TS_BYTES, NONCE_TS_BYTES + NONCE_ISSUER_BYTES).toString('hex');
  if (nowMs - issuedAt > maxAgeMs || issuer !== nonceIssuerTag(binding.issuer)) return { status: 'stale', issuedAt };
  return { status: 'valid', issuedAt };
}
