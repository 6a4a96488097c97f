/**
 * Every PBX function as data: what it may do in the store, whether it
 * publishes to the bus, and what invokes it. The CDK app builds one Lambda,
 * its IAM policy, its environment and its trigger from each entry, so a new
 * function is one entry here (plus its handler in FUNCTION_ENTRIES or at
 * functions/src/<feature>/<name>-handler.ts). Pure data: no CDK imports.
 *
 * IAM is least privilege by construction: a function gets exactly the
 * DynamoDB actions listed for it, on the PBX table and its indexes only.
 */
import { FUNCTION_ENTRIES } from '../functions/build.js';

export type DynamoDbAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:BatchGetItem'
  | 'dynamodb:Query'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem'
  | 'dynamodb:BatchWriteItem'
  | 'dynamodb:ConditionCheckItem';

/** Actions that never change an item; a 'read' function may hold only these. */
export const DYNAMODB_READ_ACTIONS: readonly DynamoDbAction[] = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'];

export interface TableAccess {
  level: 'read' | 'readWrite';
  /** Exactly the actions granted (sorted in the policy). */
  actions: readonly DynamoDbAction[];
}

/**
 * Schedules in a form the local scheduler can run too; the cloud turns them
 * into EventBridge schedule expressions (scheduleExpression below).
 */
export type PbxSchedule = { everyMinutes: number } | { hourlyAtMinute: number };

export type FunctionTrigger =
  /** The edge calls it through the invoker port (Lambda Invoke in the cloud). */
  | 'edge'
  /** Events routed to it by contracts/bus/event-routes.ts (EventBridge rules in the cloud). */
  | 'bus'
  /** The admin HTTP API (API Gateway in the cloud). */
  | 'http'
  | { schedule: PbxSchedule };

export interface CatalogEntry {
  /** Function name as the invoker knows it; the Lambda is named <prefix><name>. */
  name: string;
  description: string;
  /** Handler module, relative to the repository root; exports `handler`. */
  entry: string;
  table: TableAccess;
  /** Publishes PBX events (gets PBX_EVENT_BUS_NAME and events:PutEvents on the PBX bus). */
  publishesToBus: boolean;
  /** Signs or checks digest nonces (gets the nonce secret). */
  needsNonceSecret: boolean;
  trigger: FunctionTrigger;
  memoryMiB?: number;
  timeoutSeconds?: number;
}

/** Where a function's handler lives: functions/build.ts lists every one (handlers sit in their feature's folder). */
export function entryOf(name: string): string {
  const entry = (FUNCTION_ENTRIES as Record<string, string | undefined>)[name];
  if (entry === undefined) throw new Error(`function ${name} has no entry in functions/build.ts FUNCTION_ENTRIES`);
  return entry;
}

/** A SIP transaction cannot wait long for a decision (RFC 3261 §17.1.2.2: Timer F is 32 s for the whole transaction). */
const EDGE_CALL_TIMEOUT_SECONDS = 10;

export const FUNCTION_CATALOG: readonly CatalogEntry[] = [
  {
    name: 'register',
    description: 'REGISTER: digest authentication, bindings, fail-to-ban counting',
    entry: entryOf('register'),
    // Query: the user's latest online interval (local user report, store/online-repository.ts).
    // BatchGetItem: the user and its bindings in one read (registration/user-with-bindings.ts).
    table: { level: 'readWrite', actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] },
    publishesToBus: true,
    needsNonceSecret: true,
    trigger: 'edge',
    timeoutSeconds: EDGE_CALL_TIMEOUT_SECONDS,
  },
  {
    name: 'flow-closed',
    description: 'A TCP/TLS/WebSocket flow closed: drop the bindings reached through it (RFC 5626 §5.3)',
    entry: entryOf('flow-closed'),
    table: { level: 'readWrite', actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'] },
    publishesToBus: false,
    needsNonceSecret: false,
    trigger: 'edge',
    timeoutSeconds: EDGE_CALL_TIMEOUT_SECONDS,
  },
  {
    name: 'authorize-call',
    description: 'INVITE: digest authentication, call limits, dial plan, admission (trunk slots), targets',
    entry: entryOf('authorize-call'),
    table: { level: 'readWrite', actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] },
    publishesToBus: true,
    needsNonceSecret: true,
    trigger: 'edge',
    timeoutSeconds: EDGE_CALL_TIMEOUT_SECONDS,
  },
  {
    name: 'release-call',
    description: 'A call ended: release its admission slots, call-limit counters and trunk slots',
    entry: entryOf('release-call'),
    // UpdateItem: a trunk slot is given back with a conditional update of the trunk's usage item.
    table: { level: 'readWrite', actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] },
    publishesToBus: false,
    needsNonceSecret: false,
    trigger: 'edge',
    timeoutSeconds: EDGE_CALL_TIMEOUT_SECONDS,
  },
  {
    name: 'edge-heartbeat',
    description: 'An edge renews its lease; slots of calls held by an edge whose lease expired are reclaimed by the reaper',
    entry: entryOf('edge-heartbeat'),
    table: { level: 'readWrite', actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'] },
    publishesToBus: false,
    needsNonceSecret: false,
    trigger: 'edge',
    timeoutSeconds: EDGE_CALL_TIMEOUT_SECONDS,
  },
  {
    name: 'take-trunk-slot',
    description: 'Outbound failover: take the next trunk\'s slot (MSS per-trunk limits) before the INVITE goes there',
    entry: entryOf('take-trunk-slot'),
    // PutItem: the trunk's usage item is created once; UpdateItem: the conditional take.
    table: { level: 'readWrite', actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem'] },
    publishesToBus: false,
    needsNonceSecret: false,
    trigger: 'edge',
    timeoutSeconds: EDGE_CALL_TIMEOUT_SECONDS,
  },
  {
    name: 'audit-slots',
    description: 'An edge names the calls it carries: its trunk slots held for any other call (an end that never landed) are given back, its call-slot calls recorded',
    entry: entryOf('audit-slots'),
    // Query: the usage items (gsi1); UpdateItem: each release, conditional on the same edge and boot holding it; PutItem: the carried-calls record.
    table: { level: 'readWrite', actions: ['dynamodb:Query', 'dynamodb:UpdateItem', 'dynamodb:PutItem'] },
    publishesToBus: false,
    needsNonceSecret: false,
    trigger: 'edge',
    timeoutSeconds: EDGE_CALL_TIMEOUT_SECONDS,
  },
  {
    name: 'trunk-lines',
    description: 'Every registering trunk of every tenant (with its credentials), for the edges to keep registered',
    entry: entryOf('trunk-lines'),
    table: { level: 'read', actions: ['dynamodb:Query', 'dynamodb:GetItem'] },
    publishesToBus: false,
    needsNonceSecret: false,
    trigger: 'edge',
    timeoutSeconds: EDGE_CALL_TIMEOUT_SECONDS,
  },
  {
    name: 'trunk-lease',
    description: 'Exactly one edge registers a line: take, renew or give up its lease (one conditional write)',
    entry: entryOf('trunk-lease'),
    table: { level: 'readWrite', actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem'] },
    publishesToBus: false,
    needsNonceSecret: false,
    trigger: 'edge',
    timeoutSeconds: EDGE_CALL_TIMEOUT_SECONDS,
  },
  {
    name: 'cdr',
    description: 'Call events (attempt/alert/answer/end) become one call detail record per call, idempotently',
    entry: entryOf('cdr'),
    table: { level: 'readWrite', actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'] },
    publishesToBus: false,
    needsNonceSecret: false,
    trigger: 'bus',
  },
  {
    name: 'trunk-status',
    description: 'Line status changes (trunk.status) become the stored status of each external line, latest change wins',
    entry: entryOf('trunk-status'),
    // One conditional PutItem per event (older events are refused by the condition).
    table: { level: 'readWrite', actions: ['dynamodb:PutItem'] },
    publishesToBus: false,
    needsNonceSecret: false,
    trigger: 'bus',
  },
  {
    name: 'reaper',
    description: 'Reclaims admission slots and trunk slots whose lease expired (the edge holding the call died)',
    entry: entryOf('reaper'),
    table: { level: 'readWrite', actions: ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'] },
    publishesToBus: false,
    needsNonceSecret: false,
    trigger: { schedule: { everyMinutes: 1 } },
    timeoutSeconds: 60,
  },
  {
    name: 'rollup',
    description: 'Hourly reports: basic call report and local user report for the hour before (no row for an empty hour)',
    entry: entryOf('rollup'),
    // UpdateItem: the watermark; DeleteItem: an hour that became empty loses its row.
    table: { level: 'readWrite', actions: ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'] },
    publishesToBus: false,
    needsNonceSecret: false,
    // Minute 5: late call events of the hour before have arrived by then.
    trigger: { schedule: { hourlyAtMinute: 5 } },
    memoryMiB: 512,
    timeoutSeconds: 120,
  },
  {
    name: 'admin-api',
    description: 'Admin HTTP API: tenants, users, trunks, settings, bans, live state, tokens, audit log, reports',
    entry: entryOf('admin-api'),
    table: {
      level: 'readWrite',
      // BatchWriteItem: deleting a tenant deletes its partition 25 items at a time.
      actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
    },
    publishesToBus: true,
    needsNonceSecret: false,
    trigger: 'http',
    timeoutSeconds: 15,
  },
];

/**
 * The only partitions the edge may read (IAM condition dynamodb:LeadingKeys),
 * so an edge never sees a digest HA1: the ban list its ban cache polls
 * (functions/src/fail-to-ban/ban-repository.ts, pk BANS) and the fail-to-ban
 * settings (functions/src/fail-to-ban/system-settings-repository.ts, pk SYSTEM).
 */
export const EDGE_READABLE_PARTITIONS: readonly string[] = ['BANS', 'SYSTEM'];

/** EventBridge schedule expression of a catalog schedule (times are UTC). */
export function scheduleExpression(schedule: PbxSchedule): string {
  if ('everyMinutes' in schedule) {
    const n = schedule.everyMinutes;
    return `rate(${n} ${n === 1 ? 'minute' : 'minutes'})`;
  }
  return `cron(${schedule.hourlyAtMinute} * * * ? *)`;
}

export const isSchedule = (t: FunctionTrigger): t is { schedule: PbxSchedule } => typeof t === 'object';
