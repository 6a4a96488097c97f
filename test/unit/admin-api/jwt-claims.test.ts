/**
 * Cognito claims → roles (functions/src/admin-api/jwt-claims.ts), with the
 * claim shapes API Gateway HTTP APIs hand over.
 */
import { describe, expect, it } from 'vitest';
import { principalFromClaims } from '../../../functions/src/admin-api/jwt-claims.js';

describe('principalFromClaims', () => {
  it.each([
    ['nimbus-system as an HTTP API array string', { 'cognito:groups': '[nimbus-system nimbus-tenant-acme]', 'cognito:username': 'olga' }, { role: 'system', actor: 'jwt:olga' }],
    ['nimbus-system as a JSON array', { 'cognito:groups': ['nimbus-system'], sub: 'abc' }, { role: 'system', actor: 'jwt:abc' }],
    ['tenant groups', { 'cognito:groups': '[nimbus-tenant-globex nimbus-tenant-acme staff]', email: 'a@x.test' }, { role: 'tenant', tenants: ['acme', 'globex'], actor: 'jwt:a@x.test' }],
    ['custom:tenants', { 'custom:tenants': 'acme,globex', sub: 's' }, { role: 'tenant', tenants: ['acme', 'globex'], actor: 'jwt:s' }],
    ['groups and custom:tenants together', { 'cognito:groups': 'nimbus-tenant-acme', 'custom:tenants': 'initech', sub: 's' }, { role: 'tenant', tenants: ['acme', 'initech'], actor: 'jwt:s' }],
  ])('%s', (_what, claims, principal) => {
    expect(principalFromClaims(claims)).toEqual(principal);
  });

  it.each([
    ['no groups', { sub: 's' }],
    ['unrelated groups', { 'cognito:groups': '[admins staff]', sub: 's' }],
    ['an empty tenant group', { 'cognito:groups': '[nimbus-tenant-]' }],
    ['an empty custom:tenants', { 'custom:tenants': ' ', sub: 's' }],
    ['a group that only looks like the system one', { 'cognito:groups': '[nimbus-system-x]' }],
  ])('gives nothing for %s', (_what, claims) => {
    expect(principalFromClaims(claims)).toBeUndefined();
  });
});
