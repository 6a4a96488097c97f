/**
 * Matches a request path against the route table. Paths are matched after
 * an optional mount prefix, so the same handler serves /api/v1/… (local
 * stack and the cloud's token route) and /admin/v1/… (the cloud's Cognito
 * route), see infra/admin-api.ts. Pure.
 */
import type { Route } from './route.js';

export type RouteMatch =
  | { kind: 'route'; route: Route; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allow: string }
  | { kind: 'not-found' };

/** "/api/v1/tenants/acme" → "/tenants/acme". */
const MOUNT = /^(?:\/[a-z]+)?\/v1(\/.*)$/;

function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    if (w.startsWith('{') && w.endsWith('}')) {
      if (g === '') return undefined;
      try {
        params[w.slice(1, -1)] = decodeURIComponent(g);
      } catch {
        return undefined;
      }
    } else if (w !== g) return undefined;
  }
  return params;
}

export function matchRoute(routes: readonly Route[], method: string, rawPath: string): RouteMatch {
  const m = MOUNT.exec(rawPath.length > 1 ? rawPath.replace(/\/+$/, '') : rawPath);
  if (!m) return { kind: 'not-found' };
  const candidates = routes.flatMap((route) => {
    const params = matchPath(route.path, m[1]!);
    return params ? [{ route, params }] : [];
  });
  if (candidates.length === 0) return { kind: 'not-found' };
  const upper = method.toUpperCase();
  // HEAD is a GET without a body (the bridge drops the body).
  const hit = candidates.find((c) => c.route.method === upper || (upper === 'HEAD' && c.route.method === 'GET'));
  if (hit) return { kind: 'route', ...hit };
  return { kind: 'method-not-allowed', allow: [...new Set(candidates.map((c) => c.route.method))].join(', ') };
}
