/**
 * Lambda entry of the admin API: API Gateway HTTP API events (payload 2.0)
 * in the cloud, the same events built by the local stack's HTTP port
 * (edge/src/http/admin-api-bridge.ts). Reads like the request path:
 *
 *   authorize (JWT claims or Bearer token) → match route → tenant exists → action
 *
 * 401 for a missing or wrong token, 404 for an unknown route or tenant,
 * 405 for a known path with another method, 400 naming a bad parameter,
 * 500 without details for anything else (details go to the log).
 */
import middy from '@middy/core';
import { runtimeFromEnv, type FunctionsRuntime } from '../runtime/functions-runtime.js';
import { isAuthorized } from './admin-auth.js';
import { errorResult, type AdminHttpEvent, type AdminHttpResult } from '../../../contracts/http-event.js';
import { matchRoute, type AdminApiDeps } from './routes.js';

export async function handleAdminRequest(event: AdminHttpEvent, deps: AdminApiDeps): Promise<AdminHttpResult> {
  if (!isAuthorized(event, deps.adminToken)) {
    return errorResult(401, 'missing or wrong admin token', { 'www-authenticate': 'Bearer realm="nimbus-admin"' });
  }
  const method = event.requestContext?.http?.method ?? event.routeKey?.split(' ')[0] ?? 'GET';
  const match = matchRoute(method, event.rawPath);
  if (match.kind === 'not-found') return errorResult(404, 'no such endpoint');
  if (match.kind === 'method-not-allowed') return errorResult(405, 'method not allowed', { allow: match.allow });
  const tenant = await deps.directory.getTenant(match.tenantId);
  if (!tenant) return errorResult(404, `tenant not found: ${match.tenantId}`);
  return match.route.action(match.tenantId, event, deps);
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
  const { directory, reports, cdrs, online, trunks, trunkUsage, trunkStatus } = rt.stores;
  return {
    directory,
    reports,
    rollup: { cdrs, online, reports, now: rt.now },
    trunks: { trunks, usage: trunkUsage, status: trunkStatus },
    adminToken: rt.adminToken,
  };
}

export const handler = createAdminApiHandler(() => adminApiDeps(runtimeFromEnv()));
