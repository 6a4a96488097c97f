/**
 * Runtime shape checks of the events in contracts.ts. Events cross a process
 * (and in the cloud a Lambda Invoke) boundary, so the functions check them
 * instead of trusting the type annotations.
 */
import { z } from 'zod';
import type {
  AuthorizeCallEvent,
  EdgeHeartbeatEvent,
  FlowClosedEvent,
  RegisterEvent,
  ReleaseCallEvent,
  ReleasedCall,
  TakeTrunkSlotEvent,
  AuditSlotsEvent,
  TrunkLeaseEvent,
  TrunkLinesEvent,
} from './function-events.js';
import { RELEASE_BATCH_MAX_CALLS } from './function-events.js';

const edgeIdentitySchema = z.object({
  id: z.string().min(1),
  bootId: z.string().min(1),
});

const sourceSchema = z.object({
  protocol: z.enum(['udp', 'tcp', 'tls', 'ws', 'wss']),
  address: z.string().min(1),
  port: z.number().int().min(0).max(65535),
  flowId: z.string().min(1).optional(),
});

/** contracts/call-ref.ts: it ends up in store keys, so it is bounded. */
const callRefSchema = z.string().min(1).max(128);

const sipRequestSchema = z.object({
  kind: z.literal('request'),
  method: z.string().min(1),
  uri: z.string(),
  headers: z.array(z.object({ name: z.string(), value: z.string() })),
  body: z.string(),
});

export const registerEventSchema = z.object({
  type: z.literal('register'),
  edge: edgeIdentitySchema,
  source: sourceSchema,
  request: sipRequestSchema,
}) satisfies z.ZodType<RegisterEvent>;

export const flowClosedEventSchema = z.object({
  type: z.literal('flow-closed'),
  edge: edgeIdentitySchema,
  flowId: z.string().min(1),
}) satisfies z.ZodType<FlowClosedEvent>;

export const authorizeCallEventSchema = z.object({
  type: z.literal('authorize-call'),
  edge: edgeIdentitySchema,
  source: sourceSchema,
  request: sipRequestSchema,
  callRef: callRefSchema.optional(),
}) satisfies z.ZodType<AuthorizeCallEvent>;

const callSlotSchema = z.object({
  tenantId: z.string().min(1),
  ext: z.string().min(1),
  direction: z.enum(['in', 'out']).optional(),
});

const trunkSlotSchema = z.object({
  tenantId: z.string().min(1),
  trunkId: z.string().min(1),
  direction: z.enum(['in', 'out']),
});

const releasedCallSchema = z.object({
  callId: z.string().min(1),
  callRef: callRefSchema.optional(),
  slots: z.array(callSlotSchema),
  trunkSlots: z.array(trunkSlotSchema).optional(),
}) satisfies z.ZodType<ReleasedCall>;

export const releaseCallEventSchema = releasedCallSchema.extend({
  type: z.literal('release-call'),
  more: z.array(releasedCallSchema).max(RELEASE_BATCH_MAX_CALLS - 1).optional(),
}) satisfies z.ZodType<ReleaseCallEvent>;

export const takeTrunkSlotEventSchema = z.object({
  type: z.literal('take-trunk-slot'),
  edge: edgeIdentitySchema,
  callId: z.string().min(1),
  callRef: callRefSchema.optional(),
  tenantId: z.string().min(1),
  trunkId: z.string().min(1),
}) satisfies z.ZodType<TakeTrunkSlotEvent>;

export const auditSlotsEventSchema = z.object({
  type: z.literal('audit-slots'),
  edge: edgeIdentitySchema,
  // callRefs or (an earlier edge's calls) Call-IDs: whatever the leases and entries are keyed by.
  trunkSlotsHeld: z.array(z.string().min(1)),
  callSlotsHeld: z.array(z.string().min(1)),
  graceSeconds: z.number().int().min(1).max(86_400),
}) satisfies z.ZodType<AuditSlotsEvent>;

export const trunkLinesEventSchema = z.object({
  type: z.literal('trunk-lines'),
}) satisfies z.ZodType<TrunkLinesEvent>;

/** `<tenantId>#<trunkId>`: neither part may hold '#' (seed-schema.ts, trunk-schema.ts). */
const trunkKeySchema = z.string().regex(/^[^#]+#[^#]+$/, { error: 'must be <tenantId>#<trunkId>' });

export const trunkLeaseEventSchema = z.discriminatedUnion('op', [
  z.object({
    type: z.literal('trunk-lease'),
    op: z.literal('acquire'),
    trunkKey: trunkKeySchema,
    edgeId: z.string().min(1),
    // Bounded: a lease of a lost edge must run out in reasonable time (a day at most).
    ttlMs: z.number().int().positive().max(86_400_000),
  }),
  z.object({
    type: z.literal('trunk-lease'),
    op: z.literal('release'),
    trunkKey: trunkKeySchema,
    edgeId: z.string().min(1),
    ttlMs: z.number().optional(),
  }),
]) satisfies z.ZodType<TrunkLeaseEvent>;

export const edgeHeartbeatEventSchema = z.object({
  type: z.literal('edge-heartbeat'),
  edge: edgeIdentitySchema,
  sip: z.object({ host: z.string().min(1), port: z.number().int().min(1).max(65535) }),
  ttlSeconds: z.number().int().min(1).max(3600),
}) satisfies z.ZodType<EdgeHeartbeatEvent>;
