import { addHeader, copyMessage, getHeader, newBranch, setHeader } from '../../../sip/index.js';
import type { SipRequest } from '../../../sip/message.js';

/**
 * RFC 3261 §16.6: the copy of a request that one branch sends. Steps 1-3 and
 * 8 here (copy, Request-URI, Max-Forwards, Via); Record-Route and Route are
 * added by the caller because they depend on the branch's transport.
 */
export function forwardedCopy(req: SipRequest, opts: { requestUri?: string; viaSentBy: string }): { request: SipRequest; branch: string } {
  const request: SipRequest = copyMessage(req);
  if (opts.requestUri) request.uri = opts.requestUri;
  // Step 3: Max-Forwards is decremented, or set to 70 when absent (§16.6 / §8.1.1.6).
  const maxForwards = getHeader(request, 'Max-Forwards');
  setHeader(request, 'Max-Forwards', String(maxForwards === undefined ? 70 : Math.max(0, Number(maxForwards) - 1)));
  // Step 8: our own Via on top, with a branch unique to this client transaction (RFC 3581 rport asked for).
  const branch = newBranch();
  addHeader(request, 'Via', `${opts.viaSentBy};branch=${branch};rport`, { prepend: true });
  return { request, branch };
}

/** §16.3 step 3: a request that has run out of hops is refused (483), except OPTIONS may be answered. */
export function hopsExhausted(req: SipRequest): boolean {
  const value = getHeader(req, 'Max-Forwards');
  return value !== undefined && Number(value) <= 0;
}
