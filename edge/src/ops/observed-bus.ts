/**
 * The bus port with a meter on it: what the edge publishes (call.end with
 * the call's disposition, edge/src/proxy/call-events.ts) is shown to an
 * observer, then published unchanged. The observer can never fail a publish.
 */
import type { EventBus } from '../../../contracts/bus/event-bus.js';
import type { PbxEvent } from '../../../contracts/bus/pbx-event.js';

export class ObservedBus implements EventBus {
  constructor(
    private readonly inner: EventBus,
    private readonly observe: (event: PbxEvent) => void,
  ) {}

  publish(events: PbxEvent[]): Promise<void> {
    for (const event of events) {
      try {
        this.observe(event);
      } catch {
        // metrics never break a publish
      }
    }
    return this.inner.publish(events);
  }
}
