/**
 * Who is calling: the request's credentials become a Principal (principal.ts).
 *
 * - Cloud, route /admin/…: API Gateway's JWT authorizer (Cognito) verified
 *   the token; its claims map to a role (jwt-claims.ts) or to nothing (403).
 * - `Authorization: Bearer <PBX_ADMIN_TOKEN>`: the system token. Compared in
 *   constant time over SHA-256 digests, so neither its content nor its
 *   length leaks through timing. Unset = no system token (fail closed).
 * - `Authorization: Bearer nimbus_…`: a tenant token (token-repository.ts),
 *   looked up by its hash; it reaches exactly its tenant.
 *
 * Anything else is 401. JWT claims are trusted only because API Gateway
 * sets them; the local bridge never does (edge/src/http/admin-api-bridge.ts).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AdminHttpEvent } from '../../../contracts/http-event.js';
import { principalFromClaims } from './jwt-claims.js';
import type { Principal } from './principal.js';
import type { TokenLookup } from './token-repository.js';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

export type AuthOutcome = { ok: true; principal: Principal } | { ok: false; status: 401 | 403; message: string };

export interface AuthDeps {
  /** PBX_ADMIN_TOKEN; undefined = no system token. */
  adminToken: string | undefined;
  tokens: TokenLookup;
}

export function jwtClaims(event: AdminHttpEvent): Record<string, unknown> | undefined {
  const claims = event.requestContext?.authorizer?.jwt?.claims;
  return claims !== undefined && claims !== null && Object.keys(claims).length > 0 ? claims : undefined;
}

export function bearerToken(event: AdminHttpEvent): string | undefined {
  const header = event.headers?.authorization ?? event.headers?.Authorization;
  const match = header === undefined ? null : /^Bearer[ \t]+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

export function isSystemToken(presented: string, adminToken: string | undefined): boolean {
  return adminToken !== undefined && adminToken !== '' && timingSafeEqual(digest(presented), digest(adminToken));
}

export async function authenticate(event: AdminHttpEvent, deps: AuthDeps): Promise<AuthOutcome> {
  const claims = jwtClaims(event);
  if (claims) {
    const principal = principalFromClaims(claims);
    return principal ? { ok: true, principal } : { ok: false, status: 403, message: 'the token carries no Nimbus role (cognito:groups nimbus-system / nimbus-tenant-<id>, or custom:tenants)' };
  }
  const presented = bearerToken(event);
  if (presented === undefined) return { ok: false, status: 401, message: 'missing admin token' };
  if (isSystemToken(presented, deps.adminToken)) return { ok: true, principal: { role: 'system', actor: 'system-token' } };
  const token = await deps.tokens.findByToken(presented);
  if (token) return { ok: true, principal: { role: 'tenant', tenants: [token.tenantId], actor: `token:${token.name}` } };
  return { ok: false, status: 401, message: 'missing or wrong admin token' };
}
