/**
 * Gives ended calls' slots back through release-call, several calls per
 * invoke (issue 14: a Lambda invoke per ended call was the largest share of
 * a busy trunk's or limited user's serverless cost). An end waits at most
 * `windowMs` for others to join it; a full batch goes at once. The window
 * is far shorter than any redial, so a user at their limit who hangs up and
 * calls again finds the slot free.
 *
 * A batch that fails is sent again after growing delays, then once a
 * minute for as long as the edge lives (release is idempotent: what was
 * released stays released, so a late copy frees only what is still held).
 * Dropping it would hold those users' limits and trunk slots until the edge
 * restarts (the reaper frees a dead edge's slots by its boot id) — after a
 * store outage longer than the schedule, every call that ended during it.
 */
import { RELEASE_BATCH_MAX_CALLS, type ReleasedCall } from '../../../contracts/function-events.js';
import type { Invoker } from '../invoker/invoker.js';
import type { Logger } from '../logger.js';

/** Retry delays of a failed batch: a slot that is never released would hold a user's limit while this edge lives. */
const RETRY_MS = [500, 2_000, 10_000, 30_000];
/** After RETRY_MS: the delay of every further attempt, until one succeeds. */
export const RELEASE_RETRY_FOREVER_MS = 60_000;

export interface ReleaseBatcherOptions {
  /** How long the first end of a batch waits for others (default 25 ms). */
  windowMs?: number;
  /** Calls per invoke (default and upper bound: RELEASE_BATCH_MAX_CALLS). */
  maxCalls?: number;
}

export class ReleaseBatcher {
  private batch: ReleasedCall[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly windowMs: number;
  private readonly maxCalls: number;

  constructor(
    private readonly invoker: Invoker,
    private readonly logger: Logger,
    options: ReleaseBatcherOptions = {},
  ) {
    this.windowMs = options.windowMs ?? 25;
    this.maxCalls = Math.min(Math.max(1, options.maxCalls ?? RELEASE_BATCH_MAX_CALLS), RELEASE_BATCH_MAX_CALLS);
  }

  /** This call's slots go back with the next batch. */
  release(call: ReleasedCall): void {
    this.batch.push(call);
    if (this.batch.length >= this.maxCalls) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.windowMs);
  }

  /** Sends what is waiting now (the window's end, a full batch, the edge stopping). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.batch.length === 0) return;
    const calls = this.batch;
    this.batch = [];
    this.send(calls, 0);
  }

  private send(calls: ReleasedCall[], attempt: number): void {
    const [first, ...more] = calls as [ReleasedCall, ...ReleasedCall[]];
    this.invoker.invoke('release-call', { type: 'release-call', ...first, ...(more.length > 0 ? { more } : {}) }).catch((err) => {
      const callIds = calls.map((c) => c.callId);
      const delay = RETRY_MS[attempt] ?? RELEASE_RETRY_FOREVER_MS;
      // Once per batch at error level: the store or the function has been failing for over 40 s.
      if (attempt === RETRY_MS.length) this.logger.error({ err, callIds, retryInMs: delay }, 'release-call keeps failing; retrying every minute until it succeeds');
      else if (attempt < RETRY_MS.length) this.logger.warn({ err, callIds, retryInMs: delay }, 'release-call failed; retrying');
      // unref: a stopping edge does not wait; the reaper frees its slots by its boot id.
      setTimeout(() => this.send(calls, attempt + 1), delay).unref();
    });
  }
}
