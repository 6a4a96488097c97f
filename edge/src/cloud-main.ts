/**
 * The edge in cloud mode: the container's entry point (edge/Dockerfile, ECS
 * Fargate behind the NLB). Unlike `npm start` there is no embedded store, no
 * table creation and no seed: the CDK stack owns the table, the functions
 * run on Lambda (PBX_INVOKER=lambda) and events go to EventBridge
 * (PBX_EVENT_BUS_NAME). Every endpoint can be redirected (PBX_LAMBDA_ENDPOINT,
 * PBX_EVENTBRIDGE_ENDPOINT, PBX_DYNAMODB_ENDPOINT), so the same build runs
 * against AWS, LocalStack or test stubs.
 *
 * Settings are contracts/settings/'s; PBX_NONCE_SECRET is required here (the
 * edges of a deployment sign their Record-Route hop tokens with it; ECS
 * injects it from Secrets Manager).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { EventBus } from '../../contracts/bus/event-bus.js';
import { createEventBridgePublisher } from '../../contracts/bus/eventbridge-publisher.js';
import { InProcessBus } from '../../contracts/bus/in-process-bus.js';
import { SettingsError } from '../../contracts/settings/env-values.js';
import { loadSettings, type PbxSettings } from '../../contracts/settings/pbx-settings.js';
import type { StoreSettings } from '../../contracts/settings/store-settings.js';
import type { StoreObserver } from '../../contracts/store/store-timing.js';
import { createDynamoClient } from '../../contracts/store/dynamo-client.js';
import { ecsTaskPrivateAddress } from './ecs-task-address.js';
import type { Invoker } from './invoker/invoker.js';
import { createLambdaInvoker } from './invoker/lambda-invoker.js';
import { createLogger, type Logger } from './logger.js';
import { startEdgeOps } from './ops/edge-ops.js';
import { exitOnStartFailure, orExitOnUserError, ShutdownSteps, stopOnSignals } from './process-lifecycle.js';
import { startEdge, type RunningEdge } from './start-edge.js';

export type CloudEdge = RunningEdge;

/** Lambda in the cloud; in-process runs the functions inside this container (e.g. against DynamoDB Local). */
export async function selectInvoker(settings: PbxSettings, secret: string, bus: EventBus, storeObserver?: StoreObserver): Promise<Invoker> {
  const { edge } = settings;
  if (edge.invoker === 'lambda') {
    return createLambdaInvoker({ functionPrefix: edge.functionPrefix, ...(edge.lambdaEndpoint ? { endpoint: edge.lambdaEndpoint } : {}) });
  }
  // Loaded only when chosen: the Lambda mode never loads function code.
  const { hostFunctions } = await import('./local-stack/function-host.js');
  return hostFunctions({
    store: settings.store,
    registrar: { ...settings.registrar, nonceSecret: secret },
    ...(settings.adminToken ? { adminToken: settings.adminToken } : {}),
    bus,
    ...(storeObserver ? { storeObserver } : {}),
  }).invoker;
}

export function selectBus(settings: PbxSettings): EventBus {
  return settings.bus.eventBusName ? createEventBridgePublisher(settings.bus.eventBusName, settings.bus.eventBridgeEndpoint) : new InProcessBus();
}

/** Load balancers probe /healthz every few seconds; one DescribeTable per interval is plenty. */
const STORE_CHECK_CACHE_MS = 5_000;

function storeCheck(store: StoreSettings): { answers: () => Promise<boolean>; close: () => void } {
  const client = createDynamoClient({ region: store.region, ...(store.dynamoEndpoint ? { endpoint: store.dynamoEndpoint } : {}) });
  let last: { at: number; ok: Promise<boolean> } | undefined;
  const probe = () =>
    client.send(new DescribeTableCommand({ TableName: store.tableName })).then(
      (out) => out.Table?.TableStatus === 'ACTIVE' || out.Table?.TableStatus === 'UPDATING',
      () => false,
    );
  return {
    answers: () => {
      if (!last || Date.now() - last.at > STORE_CHECK_CACHE_MS) last = { at: Date.now(), ok: probe() };
      return last.ok;
    },
    close: () => client.destroy(),
  };
}

export async function startCloudEdge(settings: PbxSettings, logger: Logger): Promise<CloudEdge> {
  const secret = settings.registrar.nonceSecret;
  if (!secret) throw new SettingsError(['PBX_NONCE_SECRET: required in cloud mode (the edges sign Record-Route hop tokens with it)']);
  if (settings.edge.tls) throw new SettingsError(['PBX_TLS_CERT: in cloud mode the load balancer terminates TLS']);

  const steps = new ShutdownSteps(logger);
  const ops = await startEdgeOps(settings.ops, {
    edgeId: settings.edge.edgeId,
    bind: settings.edge.bind,
    ...(settings.adminToken ? { adminToken: settings.adminToken } : {}),
    logger,
  });
  steps.push(() => ops.stop());
  const bus = selectBus(settings);
  const invoker = await selectInvoker(settings, secret, bus, ops.storeObserver);
  const store = storeCheck(settings.store);
  steps.push(() => store.close());
  const running = await startEdge(
    {
      settings: settings.edge,
      store: settings.store,
      invoker,
      bus,
      // Without EventBridge the functions (in-process mode) publish on this bus: bans arrive at once.
      ...(bus instanceof InProcessBus ? { localBus: bus } : {}),
      secret,
      nonceTtlSeconds: settings.registrar.nonceTtlSeconds,
      peerHost: settings.edge.peerHost ?? (await ecsTaskPrivateAddress()),
      storeAnswers: store.answers,
      // CloudFront serves the softphone in the cloud; a local `docker run` still finds it here.
      staticRoot: resolve('web-softphone'),
      ops,
      // The task's rtpengine sidecar (infra); without it mixed calls get 488.
      media: { ...(settings.media.ng ? { ng: settings.media.ng } : {}), anchorAll: settings.media.anchorAll },
      logger,
    },
    steps,
  );
  if (!settings.media.ng) logger.warn('PBX_RTPENGINE_NG is not set: calls between a browser and a desk phone or carrier will be refused with 488');
  logger.info(
    {
      invoker: settings.edge.invoker,
      functionPrefix: settings.edge.functionPrefix,
      bus: settings.bus.eventBusName ? 'eventbridge' : 'in-process',
      sipPort: running.sipPort,
      httpPort: running.httpPort,
    },
    'edge started in cloud mode',
  );
  return running;
}

async function main(): Promise<void> {
  const settings = await orExitOnUserError(() => loadSettings(), (err) => err instanceof SettingsError);
  const logger = createLogger(settings.edge.logLevel);
  const running = await orExitOnUserError(() => startCloudEdge(settings, logger), (err) => err instanceof SettingsError);
  stopOnSignals(logger, () => running.stop());
}

// Run as the entry point (node cloud-main.mjs / tsx edge/src/cloud-main.ts), not when imported.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch(exitOnStartFailure);
}
