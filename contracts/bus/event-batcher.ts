/**
 * The local stand-in for an SQS queue read by a Lambda event source with a
 * batching window: items are collected from the first one on for at most
 * `windowMs` (or until `maxBatchSize` are there) and then delivered together.
 * Batches are delivered one after the other (an event source with one
 * concurrent poller), so a call's events reach the consumer in order.
 *
 * `stop()` delivers what is pending and waits for it: nothing accepted is
 * lost on a clean stop. Items added after stop are delivered at once.
 */
export interface EventBatcherOptions<T> {
  windowMs: number;
  maxBatchSize: number;
  deliver: (batch: T[]) => Promise<void>;
  onError?: (err: unknown, batch: T[]) => void;
}

export class EventBatcher<T> {
  private pending: T[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The chain of deliveries: each batch waits for the one before it. */
  private tail: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: EventBatcherOptions<T>) {
    if (!Number.isInteger(options.windowMs) || options.windowMs < 0) throw new RangeError(`batch window must be a whole number of ms ≥ 0, got ${options.windowMs}`);
    if (!Number.isInteger(options.maxBatchSize) || options.maxBatchSize < 1) throw new RangeError(`batch size must be a whole number ≥ 1, got ${options.maxBatchSize}`);
  }

  add(item: T): void {
    this.pending.push(item);
    if (this.stopped || this.pending.length >= this.options.maxBatchSize || this.options.windowMs === 0) {
      this.flush();
      return;
    }
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.options.windowMs);
      // A pending window must not keep a process alive that is otherwise done; stop() flushes it.
      this.timer.unref?.();
    }
  }

  /** Delivers what is pending now; resolves when every batch so far has been delivered. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      this.tail = this.tail.then(() => this.options.deliver(batch).catch((err: unknown) => this.options.onError?.(err, batch)));
    }
    return this.tail;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.flush();
  }
}
