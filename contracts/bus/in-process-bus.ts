import type { EventBus } from './event-bus.js';
import { matchesPattern, type EventPattern, type PbxEvent } from './pbx-event.js';

export type EventConsumer = (event: PbxEvent) => Promise<void>;

interface Subscription {
  pattern: EventPattern;
  consumer: EventConsumer;
}

/**
 * The local stand-in for EventBridge: delivers each event to every consumer
 * whose pattern matches, asynchronously like EventBridge (publish resolves
 * once the events are accepted, not once they are consumed). A failing
 * consumer is reported and does not affect the others.
 */
export class InProcessBus implements EventBus {
  private readonly subscriptions: Subscription[] = [];
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly onError: (err: unknown, event: PbxEvent) => void = () => undefined) {}

  /** Returns the unsubscribe function (a stopped local stack removes its consumers). */
  subscribe(pattern: EventPattern, consumer: EventConsumer): () => void {
    const subscription = { pattern, consumer };
    this.subscriptions.push(subscription);
    return () => {
      const i = this.subscriptions.indexOf(subscription);
      if (i >= 0) this.subscriptions.splice(i, 1);
    };
  }

  async publish(events: PbxEvent[]): Promise<void> {
    for (const event of events) {
      const copy = JSON.parse(JSON.stringify(event)) as PbxEvent;
      for (const { pattern, consumer } of this.subscriptions) {
        if (!matchesPattern(copy, pattern)) continue;
        const delivery = Promise.resolve()
          .then(() => consumer(copy))
          .catch((err) => this.onError(err, copy))
          .finally(() => this.inFlight.delete(delivery));
        this.inFlight.add(delivery);
      }
    }
  }

  /** Resolves when every delivery so far has finished (tests, shutdown). */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }
}
