/**
 * Lambda entry of the admin API: API Gateway HTTP API events (payload 2.0)
 * in the cloud, the same events built by the local stack's HTTP port
 * (edge/src/http/admin-api-bridge.ts). Reads like the request path:
 *
 *   match route → authenticate (JWT claims or Bearer token) → may this
 *   caller do it (403) → tenant exists (404) → body and query (400) →
 *   action → audit log + directory.changed for what it changed
 *
 * 401 for missing or wrong credentials, 403 for another tenant or a
 * system-only operation, 404 for an unknown route, tenant or item, 405 for a
 * known path with another method, 409 for conflicts, 500 without details
 * for anything else (details go to the log, never a secret).
 */
import middy from '@middy/core';
import { runtimeFromEnv, type FunctionsRuntime } from '../runtime/functions-runtime.js';
import { errorResult, type AdminHttpEvent, type AdminHttpResult } from '../../../contracts/http-event.js';
import { adminApiDeps as depsOf, type AdminApiDeps } from './admin-api-deps.js';
import { authenticate } from './admin-auth.js';
import { ApiError, forbidden, notFound } from './api-error.js';
import { logChanges } from './change-log.js';
import { canReachTenant, type Principal } from './principal.js';
import { parseBody, parseQuery } from './request-input.js';
import type { Route, RouteResult } from './route.js';
import { matchRoute } from './route-match.js';
import { ROUTES } from './routes.js';

const WWW_AUTHENTICATE = { 'www-authenticate': 'Bearer realm="nimbus-admin"' };

function checkAccess(route: Route, principal: Principal, tenantId: string | undefined): void {
  if (route.access === 'system' && principal.role !== 'system') throw forbidden('this needs the system role');
  if (tenantId !== undefined && !canReachTenant(principal, tenantId)) throw forbidden(`these credentials do not reach tenant "${tenantId}"`);
}

async function run(route: Route, params: Record<string, string>, principal: Principal, event: AdminHttpEvent, deps: AdminApiDeps): Promise<RouteResult> {
  const tenantId = params.tenant;
  checkAccess(route, principal, tenantId);
  const tenant = tenantId !== undefined ? await deps.directory.getTenant(tenantId) : undefined;
  if (tenantId !== undefined && !tenant) throw notFound(`tenant not found: ${tenantId}`);
  const body = route.body ? parseBody(route.body, event) : undefined;
  const query = route.query ? parseQuery(route.query, event) : (event.queryStringParameters ?? {});
  return route.action({ params, body, query, principal, tenant, event, deps });
}

export async function handleAdminRequest(event: AdminHttpEvent, deps: AdminApiDeps): Promise<AdminHttpResult> {
  const method = event.requestContext?.http?.method ?? event.routeKey?.split(' ')[0] ?? 'GET';
  const match = matchRoute(ROUTES, method, event.rawPath);
  const publicRoute = match.kind === 'route' && match.route.access === 'public';
  try {
    if (match.kind === 'route' && publicRoute) return (await match.route.action({ params: match.params, body: undefined, query: {}, principal: { role: 'tenant', tenants: [], actor: 'anonymous' }, tenant: undefined, event, deps })).response;
    const auth = await authenticate(event, { adminToken: deps.adminToken, tokens: deps.tokens });
    if (!auth.ok) return errorResult(auth.status, auth.message, auth.status === 401 ? WWW_AUTHENTICATE : {});
    if (match.kind === 'not-found') return errorResult(404, 'no such endpoint');
    if (match.kind === 'method-not-allowed') return errorResult(405, 'method not allowed', { allow: match.allow });
    const result = await run(match.route, match.params, auth.principal, event, deps);
    if (result.response.statusCode < 300 && result.changes) await logChanges(deps, auth.principal, `${method.toUpperCase()} ${event.rawPath}`, result.changes);
    return result.response;
  } catch (err) {
    if (err instanceof ApiError) return errorResult(err.status, err.message);
    throw err;
  }
}

export function createAdminApiHandler(deps: AdminApiDeps | (() => AdminApiDeps)) {
  const getDeps = typeof deps === 'function' ? deps : () => deps;
  return middy<AdminHttpEvent, AdminHttpResult>().handler(async (event) => {
    try {
      return await handleAdminRequest(event, getDeps());
    } catch (err) {
      console.error(JSON.stringify({ level: 'error', msg: 'admin-api request failed', path: event.rawPath, err: err instanceof Error ? err.message : String(err) }));
      return errorResult(500, 'internal error');
    }
  });
}

/** adminApi's dependencies, from the functions runtime. */
export function adminApiDeps(rt: FunctionsRuntime): AdminApiDeps {
  return depsOf({ stores: rt.stores, bus: rt.bus, now: rt.now, adminToken: rt.adminToken });
}

export const handler = createAdminApiHandler(() => adminApiDeps(runtimeFromEnv()));
