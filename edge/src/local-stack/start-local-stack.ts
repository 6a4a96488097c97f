import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InProcessBus } from '../../../contracts/bus/in-process-bus.js';
import type { PbxSettings } from '../../../contracts/settings/pbx-settings.js';
import type { InProcessStore } from '../../../contracts/store/in-process-store.js';
import { loadSeedFile, SeedError, StoreBootstrap, type Seed } from '../../../functions/src/index.js';
import type { Logger } from '../logger.js';
import { startEdgeOps, type EdgeOps } from '../ops/edge-ops.js';
import { ShutdownSteps } from '../process-lifecycle.js';
import { startEdge, type RunningEdge } from '../start-edge.js';
import { loadAdminToken, type AdminToken } from './admin-token.js';
import { startEmbeddedStore, type EmbeddedStore } from './embedded-store.js';
import { startFunctionThread } from './function-thread.js';
import { startRtpengine } from '../media/rtpengine-process.js';
import { hostFunctions } from './function-host.js';
import { startLocalBackground } from './local-background.js';
import { loadNonceSecret } from './nonce-secret.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const DEMO_SEED_FILE = join(repoRoot, 'functions/src/seed/demo-seed.json');
const SOFTPHONE_SOURCE = join(repoRoot, 'web-softphone');
/** The built softphone (`npm run build:softphone` → web-softphone/dist) when there is one, else the source folder. */
const softphoneRoot = () => (existsSync(join(SOFTPHONE_SOURCE, 'dist/index.html')) ? join(SOFTPHONE_SOURCE, 'dist') : SOFTPHONE_SOURCE);
/** The built admin console (`npm run build:admin` → web-admin/dist); its TypeScript source cannot be served as it is. */
const ADMIN_CONSOLE = join(repoRoot, 'web-admin/dist');

export interface LocalStack extends RunningEdge {
  storeEndpoint: string;
  seed: Seed;
  /** The bus the edge and the in-process functions share (what EventBridge is in the cloud). */
  bus: InProcessBus;
  /** Invocations of the bus consumer functions so far, by function (a batch of events is one, as on Lambda). */
  consumerInvokes: Readonly<Record<string, number>>;
  /** Bearer token of the admin API (/api/…), PBX_ADMIN_TOKEN or generated into the data folder. */
  adminToken: AdminToken;
  /** Metrics (/metrics) and SIP capture (PBX_HEP_ADDRESS). */
  ops: EdgeOps;
  /** Where the media bridge's ng socket is (the rtpengine started here, or PBX_RTPENGINE_NG); absent = no bridge. */
  mediaNg?: { host: string; port: number };
}

export class SeedFileError extends Error {
  override name = 'SeedFileError';
}

/**
 * `npm start`: the whole PBX on one machine — embedded store, tables, seed,
 * functions in-process, the edge on UDP/TCP/WebSocket, health and softphone
 * on the HTTP port. With PBX_DYNAMODB_ENDPOINT set it joins an existing store
 * instead (that is how several edges share one store locally). The embedded
 * store listens on its port for other processes; this process's own clients
 * (bootstrap and health, functions, ban watcher) reach it in-process.
 */
export async function startLocalStack(settings: PbxSettings, logger: Logger, parts: { bus?: InProcessBus } = {}): Promise<LocalStack> {
  const { edge: edgeSettings } = settings;
  await mkdir(edgeSettings.dataDir, { recursive: true });
  const seed = await readSeed(edgeSettings.seedFile);
  const secret = await loadNonceSecret(edgeSettings.dataDir, settings.registrar.nonceSecret);
  const adminToken = await loadAdminToken(edgeSettings.dataDir, settings.adminToken);
  const steps = new ShutdownSteps(logger);
  try {
    let storeEndpoint = settings.store.dynamoEndpoint;
    let inProcessStore: InProcessStore | undefined;
    let embeddedStore: EmbeddedStore | undefined;
    if (!storeEndpoint) {
      const embedded = await startEmbeddedStore(edgeSettings.dataDir, edgeSettings.storePort, {
        thread: edgeSettings.storeThread,
        // Not expected: the store's thread ended on its own. Every store request fails from now on (500 + Retry-After).
        onExit: (err) => logger.fatal({ err }, 'the embedded store thread ended: the PBX cannot read or write its data until it is restarted'),
      });
      steps.push(() => embedded.close());
      storeEndpoint = embedded.endpoint;
      inProcessStore = embedded.inProcess;
      embeddedStore = embedded;
    }
    const store = { ...settings.store, dynamoEndpoint: storeEndpoint };
    const bootstrap = new StoreBootstrap(inProcessStore ?? storeEndpoint, store.tableName);
    steps.push(() => bootstrap.close());
    await bootstrap.prepare(seed);
    // `npm run bans` (functions/src/fail-to-ban/cli.ts) finds this stack's store here.
    await writeFile(join(edgeSettings.dataDir, 'store-endpoint'), `${storeEndpoint}\n`);

    // What EventBridge is in the cloud; a test may bring its own to listen from before the start.
    const bus = parts.bus ?? new InProcessBus((err, event) => logger.warn({ err, event: event.detailType }, 'bus consumer failed'));
    const ops = await startEdgeOps(settings.ops, { edgeId: edgeSettings.edgeId, bind: edgeSettings.bind, adminToken: adminToken.token, logger });
    steps.push(() => ops.stop());
    const functions = hostFunctions({
      store,
      registrar: { ...settings.registrar, nonceSecret: secret },
      adminToken: adminToken.token,
      bus,
      storeObserver: ops.storeObserver,
      ...(inProcessStore ? { inProcessStore } : {}),
    });
    const thread = edgeSettings.functionsThread
      ? await functionThread({ settings, store, nonceSecret: secret, adminToken: adminToken.token, bus, ops, embeddedStore, logger }, steps)
      : undefined;
    const invoker = thread?.invoker ?? functions.invoker;
    const background = startLocalBackground(thread?.background ?? functions.background, bus, logger, edgeSettings.reaperIntervalSeconds * 1000, edgeSettings.cdrBatchWindowMs);
    steps.push(async () => {
      // Events published so far reach the batchers, the pending batches are written, then anything they published.
      await bus.drain();
      await background.stop();
      await bus.drain();
    });
    const mediaNg = await mediaBridge(settings, logger, steps);
    const tls = edgeSettings.tls ? { cert: await readFile(edgeSettings.tls.certFile), key: await readFile(edgeSettings.tls.keyFile) } : undefined;
    const running = await startEdge(
      {
        settings: edgeSettings,
        store,
        ...(inProcessStore ? { inProcessStore } : {}),
        invoker,
        bus,
        localBus: bus,
        secret,
        nonceTtlSeconds: settings.registrar.nonceTtlSeconds,
        ...(tls ? { tls } : {}),
        storeAnswers: () => bootstrap.check(),
        staticRoot: softphoneRoot(),
        adminApi: functions.adminApi,
        adminConsoleRoot: ADMIN_CONSOLE,
        ops,
        media: { ...(mediaNg ? { ng: mediaNg } : {}), anchorAll: settings.media.anchorAll },
        logger,
      },
      steps,
    );
    return { ...running, storeEndpoint, seed, bus, consumerInvokes: background.invokes, adminToken, ops, ...(mediaNg ? { mediaNg } : {}) };
  } catch (err) {
    await steps.run();
    throw err;
  }
}

/**
 * The functions the edge invokes and the background ones, on their own
 * thread (function-thread.ts). Closed after the edge stops invoking and the
 * background delivered its last batches, before the store closes (the steps
 * run last first).
 */
async function functionThread(
  parts: {
    settings: PbxSettings;
    store: PbxSettings['store'];
    nonceSecret: string;
    adminToken: string | undefined;
    bus: InProcessBus;
    ops: EdgeOps;
    embeddedStore: EmbeddedStore | undefined;
    logger: Logger;
  },
  steps: ShutdownSteps,
) {
  const { settings, store, nonceSecret, adminToken, bus, ops, embeddedStore, logger } = parts;
  const thread = await startFunctionThread({
    store,
    registrar: { ...settings.registrar, nonceSecret },
    ...(adminToken !== undefined ? { adminToken } : {}),
    bus,
    storeObserver: ops.storeObserver,
    ...(embeddedStore ? { embeddedStore } : {}),
    onExit: (err) => logger.fatal({ err }, 'the functions thread ended: the PBX cannot register or route calls until it is restarted'),
  });
  steps.push(() => thread.close());
  return thread;
}

/** rtpengine: the one PBX_RTPENGINE_NG names, else a child process when installed (PBX_RTPENGINE=auto), else none. */
async function mediaBridge(settings: PbxSettings, logger: Logger, steps: ShutdownSteps) {
  const { media } = settings;
  if (media.ng) return media.ng;
  if (media.rtpengine === 'off') {
    logger.warn('media bridge off (PBX_RTPENGINE=off): calls between a browser and a desk phone or carrier will be refused with 488');
    return undefined;
  }
  const child = await startRtpengine(media, settings.edge.dataDir, settings.edge.dialogMaxSeconds, logger);
  if (child) steps.push(() => child.stop());
  return child?.ng;
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
