import { checkNonce, getHeaders, parseAuthHeader, removeHeader, addHeader, type SipHeader } from '../../../sip/index.js';
import type { SipRequest } from '../../../sip/message.js';

/** The headers a UA answers challenges in (RFC 3261 §22.2 / §22.3). */
const CREDENTIAL_HEADERS = ['Authorization', 'Proxy-Authorization'] as const;
const CHALLENGE_HEADERS = new Set(['www-authenticate', 'proxy-authenticate']);

/** Far more realms than tenants; a bound so nobody can grow the set without end. */
const MAX_REALMS = 100_000;

/**
 * Which Authorization / Proxy-Authorization values are for this PBX (RFC 3261
 * §22.3: a proxy consumes the credentials for its own realm; they never
 * reach the callee, who could otherwise replay them to call as the caller).
 * A value is ours when its realm is one this PBX challenges with (learnt
 * from every challenge the edge sends) or when its nonce is one we issued to
 * the request's source (any age, any edge: the HMAC says so). Credentials
 * for anybody else's realm pass untouched, as §22.3 wants.
 */
export class OwnCredentials {
  private readonly realms = new Set<string>();

  constructor(private readonly nonceSecret: string) {}

  /** Remembers the realms of the challenges in a reply this edge sends (401 / 407). */
  learnFrom(headers: readonly SipHeader[]): void {
    for (const h of headers) {
      if (!CHALLENGE_HEADERS.has(h.name.toLowerCase())) continue;
      const realm = parseAuthHeader(h.value)?.params.realm;
      if (realm !== undefined && this.realms.size < MAX_REALMS) this.realms.add(realm);
    }
  }

  isOwn(value: string, sourceAddress: string): boolean {
    const parsed = parseAuthHeader(value);
    if (!parsed || parsed.scheme.toLowerCase() !== 'digest') return false;
    const { realm, nonce } = parsed.params;
    if (realm === undefined) return false;
    if (this.realms.has(realm)) return true;
    return nonce !== undefined && checkNonce(this.nonceSecret, realm, nonce, Date.now(), Number.MAX_SAFE_INTEGER, { source: sourceAddress, issuer: '' }).status !== 'invalid';
  }

  /** Removes our credentials from a request about to be forwarded; others' stay, in order. */
  strip(req: SipRequest, sourceAddress: string): void {
    for (const name of CREDENTIAL_HEADERS) {
      const values = getHeaders(req, name);
      const kept = values.filter((v) => !this.isOwn(v, sourceAddress));
      if (kept.length === values.length) continue;
      removeHeader(req, name);
      for (const v of kept) addHeader(req, name, v);
    }
  }
}
