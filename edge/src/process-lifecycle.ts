/**
 * What both entry points (local stack and cloud edge) do around their start:
 * a start-up error the user can fix (a bad setting, a bad seed) ends the
 * process with exit code 1 and a one-line message naming it; SIGINT/SIGTERM
 * stop everything in order once (ECS sends SIGTERM, then SIGKILL after its
 * stop timeout) and exit 0.
 */
import type { Logger } from './logger.js';

export async function orExitOnUserError<T>(start: () => T | Promise<T>, isUserError: (err: unknown) => boolean): Promise<T> {
  try {
    return await start();
  } catch (err) {
    if (isUserError(err)) {
      console.error(`nimbus: ${(err as Error).message}`);
      process.exit(1);
    }
    throw err;
  }
}

export function stopOnSignals(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

export function exitOnStartFailure(err: unknown): never {
  console.error('nimbus: failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
}

/** What a start has set up so far, undone in reverse order on stop (or when a later step of the start fails). */
export class ShutdownSteps {
  private readonly steps: Array<() => Promise<void> | void> = [];
  private running?: Promise<void>;

  constructor(private readonly logger: Logger) {}

  push(step: () => Promise<void> | void): void {
    this.steps.push(step);
  }

  /** Runs every step once, last first; a failing step is logged and the others still run. */
  run(): Promise<void> {
    this.running ??= (async () => {
      for (const step of this.steps.reverse()) {
        await Promise.resolve()
          .then(step)
          .catch((err: unknown) => this.logger.warn({ err }, 'shutdown step failed'));
      }
    })();
    return this.running;
  }
}
