/** The route table matched under both mounts (/api/v1 locally, /admin/v1 behind Cognito). */
import { describe, expect, it } from 'vitest';
import { matchRoute } from '../../../functions/src/admin-api/route-match.js';
import { ROUTES } from '../../../functions/src/admin-api/routes.js';

describe('matchRoute', () => {
  it.each([
    ['GET', '/api/v1/tenants', '/tenants', {}],
    ['POST', '/admin/v1/tenants/', '/tenants', {}],
    ['PATCH', '/api/v1/tenants/acme/users/1001', '/tenants/{tenant}/users/{ext}', { tenant: 'acme', ext: '1001' }],
    ['GET', '/api/v1/tenants/acme/users/1001/devices', '/tenants/{tenant}/users/{ext}/devices', { tenant: 'acme', ext: '1001' }],
    ['DELETE', '/api/v1/bans/2001%3Adb8%3A%3A1', '/bans/{address}', { address: '2001:db8::1' }],
    ['HEAD', '/api/v1/openapi.json', '/openapi.json', {}],
  ])('%s %s → %s', (method, path, pattern, params) => {
    const m = matchRoute(ROUTES, method, path);
    expect(m.kind).toBe('route');
    if (m.kind === 'route') {
      expect(m.route.path).toBe(pattern);
      expect(m.params).toEqual(params);
    }
  });

  it('answers 405 with the allowed methods for a known path, not-found otherwise', () => {
    expect(matchRoute(ROUTES, 'PUT', '/api/v1/tenants/acme')).toEqual({ kind: 'method-not-allowed', allow: 'GET, PATCH, DELETE' });
    expect(matchRoute(ROUTES, 'GET', '/api/v2/tenants')).toEqual({ kind: 'not-found' });
    expect(matchRoute(ROUTES, 'GET', '/api/v1/tenants/acme/users/%E0%A4%A')).toEqual({ kind: 'not-found' });
    expect(matchRoute(ROUTES, 'GET', '/api/v1/tenants//users')).toEqual({ kind: 'not-found' });
  });
});
