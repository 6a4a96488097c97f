import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logger.js';
import type { TransportLayer } from '../transport/transport-layer.js';
import { serveAdminConsole } from './admin-console.js';
import { serveAdmin, type AdminApiFunction } from './admin-api-bridge.js';
import { serveStatic } from './static-files.js';

export interface HttpServerOptions {
  bind: string;
  port: number;
  tls?: { cert: Buffer; key: Buffer };
  logger: Logger;
  transport: TransportLayer;
  /** True only when the edge listens and the store answers. */
  health: () => Promise<boolean>;
  staticRoot: string;
  /** The admin API under /api (the local stack hosts it; in the cloud API Gateway does). */
  adminApi?: AdminApiFunction;
  /** The built admin console (web-admin/dist) served at /admin/; absent = 503 there. */
  adminConsoleRoot?: string;
  /** GET /metrics for Prometheus (edge/src/ops/metrics-endpoint.ts); absent = 404. */
  metrics?: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;
}

/** One function for every upgraded socket, not a closure each (a WebSocket flow keeps its listeners for its whole life). */
const ignoreSocketError = (): void => undefined;

/**
 * The edge's HTTP port: SIP over WebSocket at /ws (RFC 7118), /healthz for
 * load balancers and `npm start` users, and the web softphone's files.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<{ server: http.Server; port: number; close(): Promise<void> }> {
  const { logger } = options;
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    handle(req, res).catch((err) => {
      logger.warn({ err }, 'http request failed');
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  };
  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      const healthy = await options.health().catch(() => false);
      res.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: healthy ? 'ok' : 'unavailable' }));
      return;
    }
    if (path === '/metrics' && options.metrics) return options.metrics(req, res);
    if (await serveAdmin(req, res, path, options.adminApi)) return;
    if (await serveAdminConsole(req, res, path, options.adminConsoleRoot)) return;
    if ((req.method === 'GET' || req.method === 'HEAD') && (await serveStatic(options.staticRoot, path, res))) return;
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('Not found\n');
  };
  const server = options.tls ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, onRequest) : http.createServer(onRequest);
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', ignoreSocketError);
    if (!options.transport.handleUpgrade(req, socket, head)) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
    }
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.bind, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
