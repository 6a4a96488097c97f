import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { EventBus } from './event-bus.js';
import type { PbxEvent } from './pbx-event.js';

/** PutEvents takes at most 10 entries per call. */
const MAX_ENTRIES_PER_CALL = 10;

/**
 * The cloud bus adapter: PBX events become EventBridge entries on the PBX bus
 * (Source = event.source, DetailType = event.detailType), which the CDK
 * rules route with the same patterns the in-process bus uses.
 */
export class EventBridgePublisher implements EventBus {
  constructor(
    private readonly client: Pick<EventBridgeClient, 'send'>,
    private readonly busName: string,
  ) {}

  async publish(events: PbxEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += MAX_ENTRIES_PER_CALL) {
      const entries: PutEventsRequestEntry[] = events.slice(i, i + MAX_ENTRIES_PER_CALL).map((event) => ({
        EventBusName: this.busName,
        Source: event.source,
        DetailType: event.detailType,
        Time: new Date(event.time),
        Detail: JSON.stringify(event.detail),
      }));
      const result = await this.client.send(new PutEventsCommand({ Entries: entries }));
      if (result.FailedEntryCount) {
        const reasons = (result.Entries ?? []).filter((e) => e.ErrorCode).map((e) => `${e.ErrorCode}: ${e.ErrorMessage}`);
        throw new Error(`EventBridge rejected ${result.FailedEntryCount} event(s): ${reasons.join('; ')}`);
      }
    }
  }
}

export function createEventBridgePublisher(busName: string, endpoint?: string): EventBridgePublisher {
  return new EventBridgePublisher(new EventBridgeClient(endpoint ? { endpoint } : {}), busName);
}
