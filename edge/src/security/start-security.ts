/**
 * Composition of the edge's protection: the gate, fed by a ban watcher that
 * reads the shared store (its own DynamoDB client, like the functions) and
 * listens on the in-process bus.
 */
import type { Server as HttpServer } from 'node:http';
import type { InProcessBus } from '../../../contracts/bus/in-process-bus.js';
import { createDocumentClient } from '../../../contracts/store/dynamo-client.js';
import type { InProcessStore } from '../../../contracts/store/in-process-store.js';
import type { Logger } from '../logger.js';
import { StoreBanReader } from './ban-reader.js';
import { BanWatcher } from './ban-watcher.js';
import { AuthenticationGuard } from './auth-guard.js';
import { guardHttpServer } from './http-guard.js';
import { SecurityGate } from './security-gate.js';
import type { SecuritySettings } from '../../../contracts/settings/edge-settings.js';

export interface EdgeSecurity {
  gate: SecurityGate;
  watcher: BanWatcher;
  /** Bans and the handshake timeout on the HTTP port (WebSocket). */
  guardHttpServer(server: HttpServer): void;
  /** Per-address limits on authentication, failures counted at once (a step of the request route). */
  authGuard: AuthenticationGuard;
  stop(): Promise<void>;
}

export interface StartSecurityOptions {
  settings: SecuritySettings;
  storeEndpoint?: string;
  /** The local stack's embedded store, in this process: read without a socket; takes the place of storeEndpoint. */
  inProcessStore?: InProcessStore;
  tableName: string;
  bus?: Pick<InProcessBus, 'subscribe'>;
  logger: Logger;
}

export async function startSecurity(options: StartSecurityOptions): Promise<EdgeSecurity> {
  const logger = options.logger.child({ component: 'security' });
  const doc = createDocumentClient(
    options.inProcessStore ? { inProcess: options.inProcessStore } : options.storeEndpoint !== undefined ? { endpoint: options.storeEndpoint } : {},
  );
  const gate = new SecurityGate(options.settings, logger);
  const reader = new StoreBanReader(doc, options.tableName);
  const watcher = new BanWatcher({
    gate,
    bans: reader,
    settings: reader,
    ...(options.bus ? { bus: options.bus } : {}),
    pollMs: options.settings.banPollSeconds * 1000,
    logger,
  });
  await watcher.start();
  return {
    gate,
    watcher,
    guardHttpServer: (server) => guardHttpServer(server, gate),
    authGuard: new AuthenticationGuard(gate, options.settings.authPerAddress),
    stop: async () => {
      await watcher.stop();
      doc.destroy();
    },
  };
}
