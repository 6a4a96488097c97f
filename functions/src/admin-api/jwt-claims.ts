/**
 * Cloud: API Gateway's JWT authorizer has verified a Cognito token before the
 * function runs and hands over its claims (requestContext.authorizer.jwt.claims).
 * This maps them to a role; a token without any of these claims gets nothing
 * (403), however valid its signature.
 *
 * | claim                     | value                                   | role |
 * |---------------------------|-----------------------------------------|------|
 * | `cognito:groups`          | contains `nimbus-system`                | system |
 * | `cognito:groups`          | contains `nimbus-tenant-<tenantId>`     | tenant admin of <tenantId> (several groups: several tenants) |
 * | `custom:tenants`          | `"acme,globex"` (comma/space separated) | tenant admin of those tenants |
 *
 * The actor recorded in the audit log is `jwt:<cognito:username | email | sub>`.
 * HTTP APIs pass array claims as one string, e.g. "[nimbus-system other]";
 * both that and a real array are accepted. Pure.
 */
import type { Principal } from './principal.js';

export const SYSTEM_GROUP = 'nimbus-system';
export const TENANT_GROUP_PREFIX = 'nimbus-tenant-';
export const TENANTS_CLAIM = 'custom:tenants';

/** "[a b]", "a,b", ["a", "b"] → ["a", "b"]. */
function listClaim(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string').map((v) => v.trim()).filter(Boolean);
  if (typeof value !== 'string') return [];
  return value
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .map((v) => v.trim())
    .filter(Boolean);
}

function actorOf(claims: Record<string, unknown>): string {
  for (const name of ['cognito:username', 'username', 'email', 'sub']) {
    const value = claims[name];
    if (typeof value === 'string' && value !== '') return `jwt:${value}`;
  }
  return 'jwt:(unknown)';
}

export function principalFromClaims(claims: Record<string, unknown>): Principal | undefined {
  const groups = listClaim(claims['cognito:groups']);
  const actor = actorOf(claims);
  if (groups.includes(SYSTEM_GROUP)) return { role: 'system', actor };
  const tenants = new Set([
    ...groups.filter((g) => g.startsWith(TENANT_GROUP_PREFIX) && g.length > TENANT_GROUP_PREFIX.length).map((g) => g.slice(TENANT_GROUP_PREFIX.length)),
    ...listClaim(claims[TENANTS_CLAIM]),
  ]);
  return tenants.size > 0 ? { role: 'tenant', tenants: [...tenants].sort(), actor } : undefined;
}
