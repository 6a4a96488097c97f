import type { Context } from 'aws-lambda';
import type { Logger } from '../logger.js';

/** Minute of the hour the rollup runs, as the cloud's cron(5 * * * ? *) (infra/function-catalog.ts). */
export const ROLLUP_MINUTE = 5;

/** Milliseconds from `now` to the next hh:05:00 UTC. */
export function msUntilNextRollup(now: number, minute = ROLLUP_MINUTE): number {
  const hour = 3_600_000;
  const next = Math.floor(now / hour) * hour + minute * 60_000;
  return next > now ? next - now : next + hour - now;
}

/**
 * The local stand-in for the rollup's EventBridge schedule: one catch-up run
 * at start (hours missed while the stack was stopped; the rollup's watermark
 * knows which), then one at minute 5 of every hour. Returns the stop function.
 */
export function startHourlyRollup(run: (event: unknown, context: Context) => Promise<unknown>, context: Context, logger: Logger): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const runOnce = async () => {
    try {
      await run({ source: 'local.schedule', 'detail-type': 'Scheduled Event', time: new Date().toISOString() }, context);
    } catch (err) {
      logger.warn({ err }, 'rollup run failed');
    }
  };
  const arm = () => {
    if (stopped) return;
    // setTimeout to the next minute 5 (not setInterval): no drift across hours or clock changes.
    timer = setTimeout(() => void runOnce().then(arm), msUntilNextRollup(Date.now()));
    timer.unref();
  };
  void runOnce().then(arm);
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
