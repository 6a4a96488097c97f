/**
 * Who may call the admin API.
 *
 * - In the cloud, API Gateway's JWT authorizer (Cognito admins, infra/admin-api.ts)
 *   has already verified the caller before the function runs and passes the
 *   token's claims in requestContext.authorizer.jwt: such a request is accepted.
 * - Otherwise (the local stack, or a direct invocation) the request needs
 *   `Authorization: Bearer <PBX_ADMIN_TOKEN>`. Without a configured token
 *   nothing is accepted (fail closed). The comparison is constant-time over
 *   SHA-256 digests, so neither the token's content nor its length leaks
 *   through timing.
 * The full admin API with roles comes later; this is one shared admin secret.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AdminHttpEvent } from '../../../contracts/http-event.js';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

export function hasJwtClaims(event: AdminHttpEvent): boolean {
  const claims = event.requestContext?.authorizer?.jwt?.claims;
  return claims !== undefined && claims !== null && Object.keys(claims).length > 0;
}

export function bearerToken(event: AdminHttpEvent): string | undefined {
  const header = event.headers?.authorization ?? event.headers?.Authorization;
  const match = header === undefined ? null : /^Bearer[ \t]+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

export function isAuthorized(event: AdminHttpEvent, adminToken: string | undefined): boolean {
  if (hasJwtClaims(event)) return true;
  const presented = bearerToken(event);
  if (!adminToken || presented === undefined) return false;
  return timingSafeEqual(digest(presented), digest(adminToken));
}
