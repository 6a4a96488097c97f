import type { PbxEvent } from './pbx-event.js';

/**
 * The bus port (architecture: "Bus"). Publishers never know who listens:
 * EventBridge rules in the cloud, the in-process bus's routes locally.
 */
export interface EventBus {
  publish(events: PbxEvent[]): Promise<void>;
}
