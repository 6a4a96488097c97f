import { checkNonce, getHeaders, parseAuthHeader, removeHeader, addHeader } from '../../../../sip/index.js';
import { nonceIssuer } from '../../../../contracts/function-events.js';
import type { RouteStep } from '../route-state.js';

/**
 * A captured REGISTER or INVITE sent again (RFC 7616 §5.4 replay): credentials
 * that answer a nonce this edge issued to this source with a nonce count it
 * has seen before are taken off the request, so the function answers it
 * with a fresh challenge and never with a 200 or a call
 * (edge/src/security/nonce-counts.ts). Only our own fresh nonces are counted
 * here; anything else is the function's to judge (stale, invalid, foreign).
 */
export const replayGuard: RouteStep = (ctx, { req, source }) => {
  const nonces = ctx.nonces;
  if (!nonces) return 'next';
  const header = req.method === 'REGISTER' ? 'Authorization' : 'Proxy-Authorization';
  const values = getHeaders(req, header);
  if (values.length === 0) return 'next';
  const now = Date.now();
  const binding = { source: source.address, issuer: nonceIssuer(ctx.proxy.identity) };
  const kept = values.filter((value) => {
    const p = parseAuthHeader(value)?.params;
    if (!p?.nonce || !p.realm || p.nc === undefined || !/^[0-9a-fA-F]{8}$/.test(p.nc)) return true;
    const check = checkNonce(ctx.proxy.secret, p.realm, p.nonce, now, nonces.ttlMs, binding);
    if (check.status !== 'valid') return true;
    return nonces.counts.use(p.nonce, check.issuedAt!, parseInt(p.nc, 16), now) === 'first';
  });
  if (kept.length !== values.length) {
    ctx.logger.info({ source, method: req.method }, 'replayed credentials refused: a fresh challenge instead');
    removeHeader(req, header);
    for (const v of kept) addHeader(req, header, v);
  }
  return 'next';
};
