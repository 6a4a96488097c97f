/**
 * Closes connections that stayed silent for the idle timeout, with one
 * interval timer for all of them instead of a timer per connection: an
 * edge holds tens of thousands of WebSocket flows for hours, and a
 * per-flow Timeout, its closure and its re-arming on every message add up
 * (issue 14: at most 8 kB per idle flow). A flow only stamps the time of
 * its last traffic; the sweep closes it between `idleTimeoutMs` and
 * `idleTimeoutMs` plus one sweep period (a tenth of the timeout, 50 ms to
 * 5 s) after that.
 */
export interface IdleFlow {
  /** Epoch ms of the flow's last traffic. */
  lastActiveAt: number;
  closeIdle(): void;
}

const MIN_PERIOD_MS = 50;
const MAX_PERIOD_MS = 5_000;

export class IdleSweep {
  private readonly flows = new Set<IdleFlow>();
  private timer?: NodeJS.Timeout;
  readonly periodMs: number;

  constructor(
    private readonly idleTimeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.periodMs = Math.min(MAX_PERIOD_MS, Math.max(MIN_PERIOD_MS, Math.floor(idleTimeoutMs / 10)));
  }

  /** Watches `flow` from now on (its lastActiveAt must be set). */
  add(flow: IdleFlow): void {
    this.flows.add(flow);
    if (!this.timer) {
      this.timer = setInterval(() => this.sweep(), this.periodMs);
      this.timer.unref();
    }
  }

  delete(flow: IdleFlow): void {
    this.flows.delete(flow);
    if (this.flows.size === 0) this.stop();
  }

  get size(): number {
    return this.flows.size;
  }

  /** Closes every flow silent for the idle timeout; exposed for tests with a clock of their own. */
  sweep(): void {
    const silentSince = this.now() - this.idleTimeoutMs;
    for (const flow of this.flows) {
      if (flow.lastActiveAt > silentSince) continue;
      this.flows.delete(flow);
      flow.closeIdle();
    }
    if (this.flows.size === 0) this.stop();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
