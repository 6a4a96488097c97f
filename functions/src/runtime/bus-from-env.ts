import type { EventBus } from '../../../contracts/bus/event-bus.js';
import { createEventBridgePublisher } from '../../../contracts/bus/eventbridge-publisher.js';
import { InProcessBus } from '../../../contracts/bus/in-process-bus.js';

let localBus: InProcessBus | undefined;

/**
 * The bus of this process. The local stack runs functions in-process and
 * shares one in-process bus with the edge; on Lambda (PBX_EVENT_BUS_NAME set)
 * events go to EventBridge.
 */
export function localEventBus(): InProcessBus {
  localBus ??= new InProcessBus();
  return localBus;
}

export function busFromEnv(env: NodeJS.ProcessEnv = process.env): EventBus {
  const busName = env.PBX_EVENT_BUS_NAME;
  if (busName) return createEventBridgePublisher(busName, env.PBX_EVENTBRIDGE_ENDPOINT || undefined);
  return localEventBus();
}
