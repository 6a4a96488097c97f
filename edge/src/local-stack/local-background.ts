import type { Context } from 'aws-lambda';
import { EVENT_ROUTES, toEventBridgeEnvelope } from '../../../contracts/bus/event-routes.js';
import type { InProcessBus } from '../../../contracts/bus/in-process-bus.js';
import { EventBatcher } from '../../../contracts/bus/event-batcher.js';
import type { PbxEvent } from '../../../contracts/bus/pbx-event.js';
import type { Logger } from '../logger.js';
import { startHourlyRollup } from './hourly-rollup.js';

/** The bus consumers and scheduled functions the local stack runs (functions/src/registry.ts createBackgroundHandlers). */
export type BackgroundHandlers = Record<'cdr' | 'trunk-status' | 'reaper' | 'rollup', (event: unknown, context: Context) => Promise<unknown>>;

/**
 * What EventBridge rules and schedules do in the cloud, done in-process for
 * the local stack from the same route table: bus events reach their consumer
 * functions as EventBridge envelopes, and the reaper runs on a timer. A
 * route with `batching` (the cdr route; an SQS queue in the cloud) gets its
 * events in batches collected for `batchWindowMs`, in the SQS shape
 * `{ Records: [{ messageId, body }] }` its handler reads in the cloud.
 * `stop` ends it all; it delivers the pending batches first, so nothing
 * accepted is lost on a clean stop. `invokes` counts the consumer functions'
 * invocations (a batch is one), as Lambda would bill them.
 */
export interface LocalBackground {
  stop(): Promise<void>;
  invokes: Record<string, number>;
}

export function startLocalBackground(
  handlers: BackgroundHandlers,
  bus: InProcessBus,
  logger: Logger,
  reaperIntervalMs: number,
  batchWindowMs = 250,
): LocalBackground {
  const stops: Array<() => void | Promise<void>> = [];
  const invokes: Record<string, number> = {};
  const counted = (name: string) => void (invokes[name] = (invokes[name] ?? 0) + 1);
  let sequence = 0;
  for (const route of EVENT_ROUTES) {
    const consumer = route.consumer;
    if (consumer.kind === 'event-log') {
      stops.push(bus.subscribe(route.pattern, async (event) => logger.info({ event: event.detailType, detail: event.detail }, route.description)));
      continue;
    }
    const handler = handlers[consumer.name as keyof BackgroundHandlers];
    if (!handler) {
      logger.warn({ route: route.id, consumer: consumer.name }, 'no local handler for event route');
      continue;
    }
    const batching = 'batching' in route ? route.batching : undefined;
    if (batching) {
      const batcher = new EventBatcher<PbxEvent>({
        windowMs: batchWindowMs,
        maxBatchSize: batching.maxBatchSize,
        deliver: async (events) => {
          const records = events.map((event) => {
            sequence += 1;
            return { messageId: `local-${sequence}`, body: JSON.stringify(toEventBridgeEnvelope(event, `local-${sequence}`)) };
          });
          counted(consumer.name);
          const response = (await handler({ Records: records }, localContext(consumer.name))) as { batchItemFailures?: { itemIdentifier: string }[] } | undefined;
          // There is no queue to redeliver locally: a record the handler refused is reported, as a DLQ would hold it.
          const failed = response?.batchItemFailures ?? [];
          if (failed.length > 0) logger.warn({ route: route.id, failed: failed.map((f) => f.itemIdentifier) }, 'bus consumer refused records of a batch');
        },
        onError: (err, events) => logger.warn({ err, route: route.id, events: events.length }, 'bus consumer failed'),
      });
      const unsubscribe = bus.subscribe(route.pattern, async (event) => batcher.add(event));
      stops.push(async () => {
        unsubscribe();
        await batcher.stop();
      });
      continue;
    }
    stops.push(
      bus.subscribe(route.pattern, async (event) => {
        sequence += 1;
        counted(consumer.name);
        await handler(toEventBridgeEnvelope(event, `local-${sequence}`), localContext(consumer.name));
      }),
    );
  }
  const runReaper = () =>
    handlers.reaper({ source: 'local.schedule', 'detail-type': 'Scheduled Event', time: new Date().toISOString() }, localContext('reaper')).catch((err: unknown) =>
      logger.warn({ err }, 'reaper run failed'),
    );
  const timer = setInterval(() => void runReaper(), reaperIntervalMs);
  timer.unref();
  stops.push(() => clearInterval(timer));
  stops.push(startHourlyRollup(handlers.rollup, localContext('rollup'), logger));
  return {
    invokes,
    stop: async () => {
      for (const stop of stops) await stop();
    },
  };
}

function localContext(name: string): Context {
  return { functionName: `nimbus-${name}`, awsRequestId: `local-${Date.now()}`, getRemainingTimeInMillis: () => 60_000 } as Context;
}
