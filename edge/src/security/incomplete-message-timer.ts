/**
 * Slowloris defence for connection-oriented transports: a peer that trickles
 * a byte now and then never trips the idle timeout, so the clock that matters
 * is how long a message has stayed incomplete. It starts with the first byte
 * of a message and stops when the message (or a keep-alive) completes; if it
 * runs out, the connection is closed.
 *
 * The timeout callback is a function or an object with
 * `incompleteMessageTimedOut()` (a flow can be its own target: no closure
 * per connection, issue 14), and the timer is armed without a closure.
 */
export interface IncompleteMessageTarget {
  incompleteMessageTimedOut(): void;
}

function expire(timer: IncompleteMessageTimer): void {
  timer.expired();
}

export class IncompleteMessageTimer {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly timeoutMs: number,
    private readonly onTimeout: (() => void) | IncompleteMessageTarget,
  ) {}

  /** Bytes of an unfinished message are waiting: start the clock unless it runs already. */
  pending(): void {
    if (this.timer || this.timeoutMs <= 0) return;
    this.timer = setTimeout(expire, this.timeoutMs, this);
    this.timer.unref();
  }

  /** A message completed; `morePending` when bytes of the next one are already buffered (its clock starts now). */
  completed(morePending = false): void {
    this.stop();
    if (morePending) this.pending();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  /** @internal the clock ran out. */
  expired(): void {
    this.timer = undefined;
    if (typeof this.onTimeout === 'function') this.onTimeout();
    else this.onTimeout.incompleteMessageTimedOut();
  }
}
