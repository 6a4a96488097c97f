import type { Context } from 'aws-lambda';
import { EVENT_ROUTES, toEventBridgeEnvelope } from '../../../contracts/bus/event-routes.js';
import type { InProcessBus } from '../../../contracts/bus/in-process-bus.js';
import type { Logger } from '../logger.js';
import { startHourlyRollup } from './hourly-rollup.js';

/** The bus consumers and scheduled functions the local stack runs (functions/src/registry.ts createBackgroundHandlers). */
export type BackgroundHandlers = Record<'cdr' | 'trunk-status' | 'reaper' | 'rollup', (event: unknown, context: Context) => Promise<unknown>>;

/**
 * What EventBridge rules and schedules do in the cloud, done in-process for
 * the local stack from the same route table: bus events reach their consumer
 * functions as EventBridge envelopes, and the reaper runs on a timer.
 * Returns the function that stops it all.
 */
export function startLocalBackground(handlers: BackgroundHandlers, bus: InProcessBus, logger: Logger, reaperIntervalMs: number): () => void {
  const stops: Array<() => void> = [];
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
    stops.push(
      bus.subscribe(route.pattern, async (event) => {
        sequence += 1;
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
  return () => stops.forEach((stop) => stop());
}

function localContext(name: string): Context {
  return { functionName: `nimbus-${name}`, awsRequestId: `local-${Date.now()}`, getRemainingTimeInMillis: () => 60_000 } as Context;
}
