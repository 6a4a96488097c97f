/**
 * The admin API on the local stack's HTTP port: /api/* becomes an API
 * Gateway HTTP API (payload 2.0) event for the admin-api function the local
 * stack hosts — the same handler and event the cloud's API Gateway uses
 * (there behind a Cognito JWT authorizer; the cloud edge serves no /api).
 * The console that calls it is served by admin-console.ts.
 * Returns false for any other path.
 */
import type { Context } from 'aws-lambda';
import type http from 'node:http';
import type { AdminHttpEvent, AdminHttpResult } from '../../../contracts/http-event.js';

/** The admin-api function as the local stack hosts it (functions/src/registry.ts createAdminApi). */
export type AdminApiFunction = (event: AdminHttpEvent, context: Context) => Promise<AdminHttpResult>;

/** Admin requests are small JSON bodies; anything bigger is refused before it is buffered. */
const MAX_BODY_BYTES = 64 * 1024;

class BodyTooLargeError extends Error {}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The payload 2.0 event API Gateway would send for this request (no authorizer: the token decides). */
export function toHttpApiEvent(req: http.IncomingMessage, body: string): AdminHttpEvent {
  const url = new URL(req.url ?? '/', 'http://local');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  // API Gateway joins repeated parameters with commas.
  for (const [name, value] of url.searchParams) query[name] = name in query ? `${query[name]},${value}` : value;
  const method = (req.method ?? 'GET').toUpperCase();
  return {
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(body.length > 0 ? { body, isBase64Encoded: false } : {}),
    requestContext: { http: { method } },
  };
}

const localContext = (): Context =>
  ({ functionName: 'nimbus-admin-api', awsRequestId: `local-${Date.now()}`, getRemainingTimeInMillis: () => 15_000 }) as Context;

export async function serveAdmin(req: http.IncomingMessage, res: http.ServerResponse, path: string, adminApi: AdminApiFunction | undefined): Promise<boolean> {
  if (adminApi && (path === '/api' || path.startsWith('/api/'))) {
    let body: string;
    try {
      body = await readBody(req);
    } catch (err) {
      if (!(err instanceof BodyTooLargeError)) throw err;
      res.writeHead(413, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'request body too large' }));
      return true;
    }
    const result = await adminApi(toHttpApiEvent(req, body), localContext());
    res.writeHead(result.statusCode, result.headers);
    res.end(req.method === 'HEAD' ? undefined : result.body);
    return true;
  }
  return false;
}
