/**
 * The edge in cloud mode: the container's entry point (edge/Dockerfile, ECS
 * Fargate behind the NLB). Unlike `npm start` there is no embedded store, no
 * table creation and no seed: the CDK stack owns the table, the functions
 * run on Lambda (PBX_INVOKER=lambda) and events go to EventBridge
 * (PBX_EVENT_BUS_NAME). Every endpoint can be redirected (PBX_LAMBDA_ENDPOINT,
 * PBX_EVENTBRIDGE_ENDPOINT, PBX_DYNAMODB_ENDPOINT), so the same build runs
 * against AWS, LocalStack or test stubs.
 *
 * Settings are edge/src/config.ts's, plus PBX_NONCE_SECRET (required here:
 * the edges of a deployment sign their Record-Route hop tokens with it; ECS
 * injects it from Secrets Manager).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { localEventBus } from '../../functions/src/runtime/bus-from-env.js';
import type { EventBus } from '../../contracts/bus/event-bus.js';
import { createEventBridgePublisher } from '../../contracts/bus/eventbridge-publisher.js';
import { createDynamoClient } from '../../functions/src/store/dynamo-client.js';
import { ConfigError, loadConfig, type EdgeConfig } from './config.js';
import { exitOnStartFailure, orExitOnUserError, stopOnSignals } from './process-lifecycle.js';
import { newEdgeIdentity } from './core/edge-identity.js';
import { ecsTaskPrivateAddress } from './ecs-task-address.js';
import { SipEdge } from './core/sip-edge.js';
import { startHttpServer } from './http/http-server.js';
import type { Invoker } from './invoker/invoker.js';
import { createLambdaInvoker } from './invoker/lambda-invoker.js';
import { createLogger, type Logger } from './logger.js';
import { startSecurity } from './security/start-security.js';
import { startTrunkLines, type TrunkLines } from './trunks/line-keeper.js';

export interface CloudEdge {
  edge: SipEdge;
  sipPort: number;
  httpPort: number;
  /** The external lines (registering trunks) this edge keeps registered while it holds their leases. */
  trunkLines: TrunkLines;
  stop(): Promise<void>;
}

/** Lambda in the cloud; in-process runs the functions inside this container (e.g. against DynamoDB Local). */
export async function selectInvoker(config: EdgeConfig): Promise<Invoker> {
  if (config.invoker === 'lambda') {
    return createLambdaInvoker({ functionPrefix: config.functionPrefix, ...(config.lambdaEndpoint ? { endpoint: config.lambdaEndpoint } : {}) });
  }
  // Loaded only when chosen: the Lambda mode never loads function code.
  const { InProcessInvoker } = await import('./invoker/in-process-invoker.js');
  return new InProcessInvoker();
}

export function selectBus(config: EdgeConfig): EventBus {
  return config.eventBusName ? createEventBridgePublisher(config.eventBusName, config.eventBridgeEndpoint) : localEventBus();
}

/** Load balancers probe /healthz every few seconds; one DescribeTable per interval is plenty. */
const STORE_CHECK_CACHE_MS = 5_000;

function storeCheck(config: EdgeConfig): { answers: () => Promise<boolean>; close: () => void } {
  const client = createDynamoClient(config.dynamoEndpoint ? { endpoint: config.dynamoEndpoint } : {});
  let last: { at: number; ok: Promise<boolean> } | undefined;
  const probe = () =>
    client.send(new DescribeTableCommand({ TableName: config.tableName })).then(
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

export async function startCloudEdge(config: EdgeConfig, logger: Logger, env: NodeJS.ProcessEnv = process.env): Promise<CloudEdge> {
  const secret = env.PBX_NONCE_SECRET;
  if (!secret) throw new ConfigError('Invalid setting PBX_NONCE_SECRET: required in cloud mode (the edges sign Record-Route hop tokens with it)');
  if (config.tls) throw new ConfigError('Invalid setting PBX_TLS_CERT: in cloud mode the load balancer terminates TLS');

  const invoker = await selectInvoker(config);
  const bus = selectBus(config);
  const store = storeCheck(config);
  const steps: Array<() => Promise<void> | void> = [() => store.close()];
  const stop = async () => {
    for (const step of steps.reverse()) await Promise.resolve(step()).catch((err: unknown) => logger.warn({ err }, 'shutdown step failed'));
  };
  try {
    // Bans: loaded now, then polled from the store (EventBridge cannot reach
    // each task; with the in-process bus they also arrive as events).
    const security = await startSecurity({
      settings: config.security,
      ...(config.dynamoEndpoint ? { storeEndpoint: config.dynamoEndpoint } : {}),
      tableName: config.tableName,
      ...(config.eventBusName ? {} : { bus: localEventBus() }),
      logger,
    });
    steps.push(() => security.stop());
    const edge = new SipEdge({
      identity: newEdgeIdentity(config.edgeId),
      invoker: security.guardInvoker(invoker),
      bus,
      security: security.gate,
      secret,
      advertisedHost: config.advertisedHost,
      peerHost: config.peerHost ?? (await ecsTaskPrivateAddress()),
      timerCMs: config.timerCSeconds * 1000,
      logger,
      bind: config.bind,
      sipPort: config.sipPort,
      wsSecure: false,
      idleTimeoutMs: config.idleTimeoutSeconds * 1000,
    });
    await edge.start();
    steps.push(() => edge.stop());
    // Stopped before the edge (steps run in reverse): the unREGISTERs and lease releases still go out on SIGTERM.
    const trunkLines = await startTrunkLines({ edge, leaseTtlMs: config.trunkLeaseSeconds * 1000 });
    steps.push(() => trunkLines.stop());
    const http = await startHttpServer({
      bind: config.bind,
      port: config.httpPort,
      logger,
      transport: edge.transport,
      health: async () => edge.transport.local('udp') !== undefined && (await store.answers()),
      // CloudFront serves the softphone in the cloud; a local `docker run` still finds it here.
      staticRoot: resolve('web-softphone'),
    });
    steps.push(() => http.close());
    security.guardHttpServer(http.server);
    edge.setWebSocketPort(http.port);
    logger.info(
      {
        invoker: config.invoker,
        functionPrefix: config.functionPrefix,
        bus: config.eventBusName ? 'eventbridge' : 'in-process',
        sipPort: edge.transport.local('udp')?.port,
        httpPort: http.port,
      },
      'edge started in cloud mode',
    );
    return { edge, sipPort: edge.transport.local('udp')!.port, httpPort: http.port, trunkLines, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function main(): Promise<void> {
  const config = await orExitOnUserError(() => loadConfig(), (err) => err instanceof ConfigError);
  const logger = createLogger(config.logLevel);
  const running = await orExitOnUserError(() => startCloudEdge(config, logger), (err) => err instanceof ConfigError);
  stopOnSignals(logger, () => running.stop());
}

// Run as the entry point (node cloud-main.mjs / tsx edge/src/cloud-main.ts), not when imported.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch(exitOnStartFailure);
}
