/**
 * What counts as a failed authentication for fail-to-ban, beyond the
 * authenticator's own 'failed' (wrong password, unknown user, username
 * mismatch, malformed credentials): credentials for a realm this PBX did not
 * offer. RFC 3261 §22.4 makes such credentials simply ignored (the request is
 * challenged again), so the authenticator answers 'challenge'; but a request
 * that carried credentials which did not verify is a failure all the same.
 *
 * Never a failure: a first request without credentials ('challenge'), a stale
 * nonce ('stale', RFC 7616 §3.3: the password was right), or a nonce we did
 * not issue for our realm (a restarted secret, not a guess).
 */
import { getHeaders, parseAuthHeader, type SipRequest } from '../../../sip/index.js';
import type { AuthOutcome } from '../../../contracts/function-events.js';

/** 'Authorization' for REGISTER (401 challenges), 'Proxy-Authorization' for INVITE/MESSAGE (407). */
export type CredentialsHeader = 'Authorization' | 'Proxy-Authorization';

/** True when the request carries Digest credentials, none of them for `realm`. */
export function hasForeignRealmCredentials(request: SipRequest, realm: string, header: CredentialsHeader = 'Authorization'): boolean {
  let digest = false;
  for (const value of getHeaders(request, header)) {
    const parsed = parseAuthHeader(value);
    if (!parsed || parsed.scheme.toLowerCase() !== 'digest') continue;
    if (parsed.params.realm === realm) return false;
    digest = true;
  }
  return digest;
}

/** The outcome to report to fail-to-ban: the authenticator's, with a challenge of foreign-realm credentials turned into 'failed'. */
export function failToBanOutcome(
  outcome: AuthOutcome,
  request: SipRequest,
  realm: string,
  header: CredentialsHeader = 'Authorization',
): AuthOutcome {
  return outcome === 'challenge' && hasForeignRealmCredentials(request, realm, header) ? 'failed' : outcome;
}
