/**
 * Who consumes which PBX events: one table shared by the in-process bus
 * (local stack) and the EventBridge rules of the CDK app (infra/), so both
 * route with the same patterns. Adding a consumer is one entry here.
 *
 * A consumer is either a function (by its name in infra/function-catalog.ts)
 * or the event log. Edges cannot be EventBridge targets (a rule cannot fan
 * out to each Fargate task), so in the cloud edges learn about bans by
 * reading the ban data from the store; locally the edge may subscribe to the
 * in-process bus directly. Ban, trunk and directory events also go to the event log,
 * the admins' record of what the PBX decided (a log group in the cloud).
 */
import type { EventPattern, PbxEvent } from './pbx-event.js';

export type EventConsumer =
  | { kind: 'function'; name: string }
  /** Kept for admins: CloudWatch Logs in the cloud, the process log locally. */
  | { kind: 'event-log' };

export interface EventRoute {
  /** Stable id (the CDK rule's construct id). */
  id: string;
  description: string;
  pattern: EventPattern;
  consumer: EventConsumer;
  /**
   * Deliver the route's events in batches (SQS-shaped, `{ Records }`) rather than one per invoke:
   * in the cloud through an SQS queue and a Lambda event source with these bounds, locally
   * through an in-process window (PBX_CDR_BATCH_WINDOW_MS). An event waits at most
   * `maxWindowSeconds` (plus the consumer's run) before it is handled.
   */
  batching?: { maxBatchSize: number; maxWindowSeconds: number };
}

export const EVENT_ROUTES = [
  {
    id: 'CallEventsToCdr',
    description: 'Call progress reported by the edges becomes one CDR per call (written idempotently)',
    pattern: { source: ['nimbus.edge'], detailType: ['call.attempt', 'call.alert', 'call.answer', 'call.end'] },
    consumer: { kind: 'function', name: 'cdr' },
    // A short call's four events meet in one batch and become one UpdateItem (functions/src/cdr/record-call-batch.ts).
    batching: { maxBatchSize: 100, maxWindowSeconds: 1 },
  },
  {
    id: 'BanEventsToEventLog',
    description: 'Fail-to-ban decisions (ban added, ban lifted) for the admins',
    pattern: { detailType: ['ban.added', 'ban.lifted'] },
    consumer: { kind: 'event-log' },
  },
  {
    id: 'TrunkStatusToStore',
    description: 'External line registration status changes become the line status the admin API shows',
    pattern: { detailType: ['trunk.status'] },
    consumer: { kind: 'function', name: 'trunk-status' },
  },
  {
    id: 'TrunkStatusToEventLog',
    description: 'External line registration status changes for the admins',
    pattern: { detailType: ['trunk.status'] },
    consumer: { kind: 'event-log' },
  },
  {
    id: 'DirectoryChangesToEventLog',
    description: 'Admin changes of tenants, users, trunks and settings (directory.changed) for the admins',
    pattern: { source: ['nimbus.functions'], detailType: ['directory.changed'] },
    consumer: { kind: 'event-log' },
  },
] as const satisfies readonly EventRoute[];

/** Routes whose consumer is the named function. */
export function routesToFunction(name: string): EventRoute[] {
  return EVENT_ROUTES.filter((r: EventRoute) => r.consumer.kind === 'function' && r.consumer.name === name);
}

/**
 * What a routed function receives: EventBridge delivers the event to a Lambda
 * target as this envelope ("detail-type", not "detailType"). Local wiring
 * should hand consumers the same shape so one handler serves both.
 */
export interface EventBridgeEnvelope<D = Record<string, unknown>> {
  version: '0';
  id: string;
  'detail-type': PbxEvent['detailType'];
  source: PbxEvent['source'];
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: D;
}

/**
 * What a bus consumer function is handed: EventBridge's envelope in the
 * cloud, or a PbxEvent from a hand-made call. Consumers accept both.
 */
export interface IncomingBusEvent {
  source?: string;
  'detail-type'?: string;
  detailType?: string;
  detail?: unknown;
  time?: string;
}

export function detailTypeOf(event: IncomingBusEvent): string | undefined {
  return event['detail-type'] ?? event.detailType;
}

/** The detail as an object: EventBridge hands it over parsed; a string is tolerated for hand-made test events. */
export function detailOf(event: IncomingBusEvent): unknown {
  return typeof event.detail === 'string' ? (JSON.parse(event.detail) as unknown) : event.detail;
}

export function toEventBridgeEnvelope<D>(event: PbxEvent<D>, id: string, where = { account: '000000000000', region: 'local' }): EventBridgeEnvelope<D> {
  return {
    version: '0',
    id,
    'detail-type': event.detailType,
    source: event.source,
    account: where.account,
    time: event.time,
    region: where.region,
    resources: [],
    detail: event.detail,
  };
}
