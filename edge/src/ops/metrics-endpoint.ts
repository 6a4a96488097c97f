/**
 * GET /metrics on the edge's HTTP port, for Prometheus. The port faces the
 * internet in the cloud (WSS behind the NLB) and the figures name tenants
 * and trunks, so a bearer token is required: PBX_METRICS_TOKEN (what goes
 * into Prometheus' `authorization.credentials`) or the admin token. With
 * neither configured nobody gets in. Tokens are compared in constant time
 * over their SHA-256 digests (length and content never leak through timing).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import type { EdgeMetrics } from './edge-metrics.js';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

export function bearerTokenOf(req: Pick<http.IncomingMessage, 'headers'>): string | undefined {
  const header = req.headers.authorization;
  return header === undefined ? undefined : /^Bearer[ \t]+(\S+)\s*$/i.exec(header)?.[1];
}

export function tokenMatches(presented: string | undefined, accepted: readonly string[]): boolean {
  if (presented === undefined) return false;
  const p = digest(presented);
  // Every accepted token is compared, so which one matched does not show in the time either.
  return accepted.map((token) => timingSafeEqual(p, digest(token))).includes(true);
}

export function metricsEndpoint(metrics: EdgeMetrics, acceptedTokens: () => readonly string[]) {
  return async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' });
      res.end('Method not allowed\n');
      return;
    }
    if (!tokenMatches(bearerTokenOf(req), acceptedTokens())) {
      res.writeHead(401, { 'www-authenticate': 'Bearer realm="nimbus-metrics"', 'content-type': 'text/plain' });
      res.end('Unauthorized: send Authorization: Bearer <PBX_METRICS_TOKEN or the admin token>\n');
      return;
    }
    const { contentType, body } = await metrics.exposition();
    res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}
