import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EdgeConfig } from '../config.js';
import { SipEdge } from '../core/sip-edge.js';
import { newEdgeIdentity } from '../core/edge-identity.js';
import { startHttpServer } from '../http/http-server.js';
import { InProcessInvoker } from '../invoker/in-process-invoker.js';
import { localEventBus } from '../../../functions/src/runtime/bus-from-env.js';
import type { Logger } from '../logger.js';
import { startSecurity, type EdgeSecurity } from '../security/start-security.js';
import { loadSeedFile } from '../../../functions/src/seed/load-seed-file.js';
import { SeedError, type Seed } from '../../../functions/src/seed/seed-schema.js';
import { StoreBootstrap } from './store-bootstrap.js';
import { startEmbeddedStore, type EmbeddedStore } from './embedded-store.js';
import { loadNonceSecret } from './nonce-secret.js';
import { loadAdminToken, type AdminToken } from './admin-token.js';
import { startLocalBackground } from './local-background.js';
import { startTrunkLines, type TrunkLines } from '../trunks/line-keeper.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const DEMO_SEED_FILE = join(repoRoot, 'functions/src/seed/demo-seed.json');
const SOFTPHONE_SOURCE = join(repoRoot, 'web-softphone');
/** The built softphone (`npm run build:softphone` → web-softphone/dist) when there is one, else the source folder. */
const softphoneRoot = () => (existsSync(join(SOFTPHONE_SOURCE, 'dist/index.html')) ? join(SOFTPHONE_SOURCE, 'dist') : SOFTPHONE_SOURCE);

export interface LocalStack {
  edge: SipEdge;
  sipPort: number;
  httpPort: number;
  tlsPort?: number;
  storeEndpoint: string;
  seed: Seed;
  /** Fail-to-ban enforcement, flood control, connection limits (edge/src/security). */
  security: EdgeSecurity;
  /** Bearer token of the admin API (/api/…), PBX_ADMIN_TOKEN or generated into the data folder. */
  adminToken: AdminToken;
  /** The external lines (registering trunks) this edge keeps registered (edge/src/trunks/line-keeper.ts). */
  trunkLines: TrunkLines;
  stop(): Promise<void>;
}

export class SeedFileError extends Error {
  override name = 'SeedFileError';
}

/**
 * `npm start`: the whole PBX on one machine — embedded store, tables, seed,
 * functions in-process, the edge on UDP/TCP/WebSocket, health and softphone
 * on the HTTP port. With PBX_DYNAMODB_ENDPOINT set it joins an existing store
 * instead (that is how several edges share one store locally).
 */
export async function startLocalStack(config: EdgeConfig, logger: Logger): Promise<LocalStack> {
  await mkdir(config.dataDir, { recursive: true });
  const seed = await readSeed(config.seedFile);
  const secret = await loadNonceSecret(config.dataDir, process.env.PBX_NONCE_SECRET);
  const adminToken = await loadAdminToken(config.dataDir, process.env.PBX_ADMIN_TOKEN);
  let store: EmbeddedStore | undefined;
  const stack: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const step of stack.reverse()) await step().catch((err) => logger.warn({ err }, 'shutdown step failed'));
  };
  try {
    if (!config.dynamoEndpoint) {
      store = await startEmbeddedStore(config.dataDir, config.storePort);
      stack.push(() => store!.close());
    }
    const storeEndpoint = config.dynamoEndpoint ?? store!.endpoint;
    // The in-process functions read the same settings a Lambda would get from its environment.
    process.env.PBX_DYNAMODB_ENDPOINT = storeEndpoint;
    process.env.PBX_TABLE_NAME = config.tableName;
    process.env.PBX_NONCE_SECRET = secret;
    process.env.PBX_ADMIN_TOKEN = adminToken.token;

    const storeAccess = new StoreBootstrap(storeEndpoint, config.tableName);
    stack.push(async () => storeAccess.close());
    await storeAccess.prepare(seed);
    // `npm run bans` (functions/src/fail-to-ban/cli.ts) finds this stack's store here.
    await writeFile(join(config.dataDir, 'store-endpoint'), `${storeEndpoint}\n`);

    // Bans (loaded now, then polled and taken from the bus), flood control, connection limits.
    const security = await startSecurity({ settings: config.security, storeEndpoint, tableName: config.tableName, bus: localEventBus(), logger });
    stack.push(() => security.stop());

    const tls = config.tls
      ? { cert: await readFile(config.tls.certFile), key: await readFile(config.tls.keyFile) }
      : undefined;
    const bus = localEventBus();
    const stopBackground = startLocalBackground(bus, logger, config.reaperIntervalSeconds * 1000);
    stack.push(async () => {
      stopBackground();
      await bus.drain();
    });
    const edge = new SipEdge({
      identity: newEdgeIdentity(config.edgeId),
      invoker: security.guardInvoker(new InProcessInvoker()),
      bus,
      secret,
      advertisedHost: config.advertisedHost,
      timerCMs: config.timerCSeconds * 1000,
      heartbeatMs: config.heartbeatSeconds * 1000,
      logger,
      bind: config.bind,
      sipPort: config.sipPort,
      tlsPort: tls ? config.tlsPort : undefined,
      tls,
      wsSecure: Boolean(tls),
      idleTimeoutMs: config.idleTimeoutSeconds * 1000,
      security: security.gate,
    });
    await edge.start();
    stack.push(() => edge.stop());
    // After edge.start(): REGISTERs carry its listening ports. Stopped before the edge, so the unREGISTERs still go out.
    const trunkLines = await startTrunkLines({ edge, leaseTtlMs: config.trunkLeaseSeconds * 1000 });
    stack.push(() => trunkLines.stop());
    const http = await startHttpServer({
      bind: config.bind,
      port: config.httpPort,
      tls,
      logger,
      transport: edge.transport,
      health: async () => edge.transport.local('udp') !== undefined && (await storeAccess.check()),
      staticRoot: softphoneRoot(),
    });
    stack.push(() => http.close());
    security.guardHttpServer(http.server);
    edge.setWebSocketPort(http.port);
    return {
      edge,
      sipPort: edge.transport.local('udp')!.port,
      httpPort: http.port,
      tlsPort: edge.transport.local('tls')?.port,
      storeEndpoint,
      seed,
      security,
      adminToken,
      trunkLines,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The seed must be valid before anything starts: a bad one stops the start naming the field. */
async function readSeed(file: string | undefined): Promise<Seed> {
  const path = file ?? DEMO_SEED_FILE;
  try {
    return await loadSeedFile(path);
  } catch (err) {
    if (err instanceof SeedError) throw new SeedFileError(err.message);
    throw new SeedFileError(`Cannot read seed file ${path} (PBX_SEED): ${(err as Error).message}`);
  }
}
