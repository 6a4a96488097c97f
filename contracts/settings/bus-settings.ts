/**
 * Where PBX events go: EventBridge when a bus is named, else the in-process
 * bus of the local stack.
 *
 * | Variable                 | Default        | Meaning |
 * |--------------------------|----------------|---------|
 * | PBX_EVENT_BUS_NAME       | (in-process)   | Publish PBX events to this EventBridge bus |
 * | PBX_EVENTBRIDGE_ENDPOINT | (AWS)          | Another EventBridge endpoint (LocalStack, a test stub) |
 */
import { z } from 'zod';
import { httpUrl, optionalString, parseEnv, type Env, type Parsed } from './env-values.js';

export interface BusSettings {
  eventBusName?: string;
  eventBridgeEndpoint?: string;
}

const busSchema = z.object({ PBX_EVENT_BUS_NAME: optionalString, PBX_EVENTBRIDGE_ENDPOINT: httpUrl });

export function parseBusSettings(env: Env): Parsed<BusSettings> {
  const parsed = parseEnv(busSchema, env);
  if (!parsed.ok) return parsed;
  const { PBX_EVENT_BUS_NAME: eventBusName, PBX_EVENTBRIDGE_ENDPOINT: eventBridgeEndpoint } = parsed.value;
  return { ok: true, value: { ...(eventBusName !== undefined ? { eventBusName } : {}), ...(eventBridgeEndpoint !== undefined ? { eventBridgeEndpoint } : {}) } };
}

export const BUS_ENV = ['PBX_EVENT_BUS_NAME', 'PBX_EVENTBRIDGE_ENDPOINT'] as const;
