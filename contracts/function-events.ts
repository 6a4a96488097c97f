/**
 * The JSON events the edge sends to functions and what they answer. The same
 * payloads travel through the in-process invoker locally and through Lambda
 * Invoke in the cloud, so they must stay plain JSON.
 */
import type { SipHeader, SipRequest } from '../sip/message.js';
import type { Source } from './transport.js';
import type { Trunk, TrunkTransport } from './trunk.js';
import type { DigestAlgorithm } from '../sip/digest.js';

/** Identifies the edge instance that received a message. */
export interface EdgeIdentity {
  /** Stable name of the edge (e.g. task id / host name); bindings point at it. */
  id: string;
  /**
   * Changes on every edge start. A binding whose flow belongs to an earlier
   * boot of the same edge is dead: that connection cannot exist any more.
   */
  bootId: string;
}

/** The issuer a nonce names (sip/digest.ts NonceBinding): one edge instance, so a restart issues new ones. */
export function nonceIssuer(edge: EdgeIdentity): string {
  return `${edge.id}/${edge.bootId}`;
}

/** A response for the edge to send: it copies Via/From/To/Call-ID/CSeq from the request (RFC 3261 §8.2.6) and adds these headers. */
export interface SipReply {
  status: number;
  reason: string;
  headers: SipHeader[];
}

/**
 * How a registrar domain challenges: its realm (the tenant's, or the domain
 * itself when no tenant serves it — no hint that it is unknown) and the
 * digest algorithms offered, in configured order. The registrar returns it
 * with its answers (RegisterResult.digest) so the edge can issue the next
 * first challenges for that domain itself (contracts/digest-challenge.ts).
 */
export interface DomainDigest {
  realm: string;
  algorithms: DigestAlgorithm[];
}

export interface RegisterEvent {
  type: 'register';
  edge: EdgeIdentity;
  source: Source;
  request: SipRequest;
}

/** Outcome of the digest check of a REGISTER (see register/authenticate.ts). */
export type AuthOutcome = 'challenge' | 'stale' | 'ok' | 'failed';

export interface RegisterResult {
  reply: SipReply;
  /**
   * How authentication went, so the edge can count 'failed' per source for
   * fail-to-ban. Absent when the request was rejected before authentication
   * (e.g. 400 for a malformed request). `username` is what the UA claimed.
   */
  auth?: AuthInfo;
  /**
   * How the registrar domain of the request (its Request-URI host) challenges:
   * the edge keeps it for a while and answers the next REGISTERs without
   * credentials for that domain itself (edge/src/core/registrar-challenges.ts).
   * Absent when the request was rejected before the domain was looked up.
   */
  digest?: DomainDigest;
}

/**
 * How authentication went, for fail-to-ban at the edge. `countsForBan:
 * false` marks a failure the edge must not count either (a carrier's address).
 */
export interface AuthInfo {
  outcome: AuthOutcome;
  tenantId?: string;
  username?: string;
  countsForBan?: false;
}

/** Sent by the edge when a TCP/TLS/WebSocket flow closes: bindings reached through it are gone. */
export interface FlowClosedEvent {
  type: 'flow-closed';
  edge: EdgeIdentity;
  flowId: string;
}

export interface FlowClosedResult {
  removedBindings: number;
}

// ---------------------------------------------------------------------------
// Calls (issue "calls between users")

/** Where one device of the callee is reached: a binding, plus the edge that holds its flow. */
export interface CallTarget {
  /** The binding's Contact URI: the Request-URI of this branch (RFC 3261 §16.5). */
  contact: string;
  bindingKey: string;
  edgeId: string;
  bootId: string;
  flowId?: string;
  protocol: Source['protocol'];
  address: string;
  port: number;
  /**
   * Set when another edge holds the device's flow: send the branch to that
   * edge (its SIP address), which delivers it over the flow.
   */
  viaEdge?: { edgeId: string; host: string; port: number };
}

export interface CallParty {
  ext: string;
  displayName?: string;
}

export type CallDirection = 'internal' | 'inbound' | 'outbound';

/** A concurrent-call slot taken for a call (MSS per-user limits); released by release-call. */
export interface CallSlot {
  tenantId: string;
  ext: string;
  /**
   * The slot's direction ('out': the caller's, 'in': the callee's): what a
   * release removes in one conditional write. Absent (an earlier version):
   * released by reading the user's slot item.
   */
  direction?: 'in' | 'out';
}

/** A SIP-trunk slot taken for a call (MSS per-trunk limits, functions/src/trunks/trunk-admission.ts). */
export interface TrunkSlot {
  tenantId: string;
  trunkId: string;
  direction: 'in' | 'out';
}

/** A call authorize-call let through (or refused as a call). */
export interface RoutedCall {
  tenantId: string;
  /** The SIP Call-ID. */
  callId: string;
  /** The PBX's identity of the call (contracts/call-ref.ts): its slots, trunk slots and CDR are keyed by it. */
  callRef: string;
  /** The caller's From tag: with the Call-ID, what an admin sees of the call's SIP identity. */
  fromTag?: string;
  direction: CallDirection;
  caller: CallParty;
  callee: CallParty;
  /**
   * Slots taken for this call (only users with a limit take one); the edge
   * passes them to release-call on every end, and invokes nothing when
   * neither these nor `trunkSlots` hold anything.
   */
  slots: CallSlot[];
  /** The trunk an inbound call arrived on / an outbound call left through (CDR `trunkId`). */
  trunkId?: string;
  /** Trunk slots taken for this call (released like `slots`). */
  trunkSlots?: TrunkSlot[];
}

/**
 * One way out to the phone network for an outbound call: a trunk, in
 * failover order. authorize-call builds every leg (Request-URI, presented
 * caller, credentials); the edge tries them one after the other.
 */
export interface TrunkLeg {
  tenantId: string;
  trunkId: string;
  /** The Request-URI the carrier gets: sip:<number after strip/prepend>@<carrier domain>. */
  requestUri: string;
  /** Where the INVITE goes: the carrier, or its outbound proxy. A host name is resolved by the edge. */
  destination: { protocol: TrunkTransport; host: string; port: number };
  /** The From the carrier sees (name-addr without tag; the caller's tag is kept). */
  from: string;
  /** The To the carrier sees (the dialled number at the carrier). */
  to: string;
  /** P-Asserted-Identity (RFC 3325) when the trunk presents the caller that way. */
  assertedIdentity?: string;
  /** The trunk's digest credentials, to answer the carrier's 401/407 for `realm` only. Never logged. */
  credentials?: { username: string; password: string; realm: string };
  /** true: authorize-call already took this leg's slot; false: the edge takes it (take-trunk-slot) before using the leg. */
  admitted: boolean;
}

export interface AuthorizeCallEvent {
  type: 'authorize-call';
  edge: EdgeIdentity;
  source: Source;
  /** An out-of-dialog INVITE or MESSAGE (or other request) from a user. */
  request: SipRequest;
  /**
   * INVITE: the edge's fresh name for the call (contracts/call-ref.ts), one
   * per INVITE transaction. Absent (an earlier edge): the Call-ID.
   */
  callRef?: string;
}

export type AuthorizeCallResult =
  | {
      /** Answer the request with this (407 challenge, 403, 404, 480, 486 …). */
      decision: 'reply';
      reply: SipReply;
      auth?: AuthInfo;
      /**
       * Set when an authenticated user's INVITE is refused as a call (unknown
       * number, callee offline, over a call limit): the edge reports it on the
       * bus so the call still gets its CDR and counts in the reports.
       */
      rejectedCall?: { call: Omit<RoutedCall, 'slots'>; disposition: 'failed' | 'rejected' };
      /**
       * Set with a first 407 of the user path (no trunk took the request, no
       * credentials for the realm): how the caller's domain challenges. The
       * edge keeps it for this source, number and domain a bounded time and
       * answers the next such INVITE without credentials itself
       * (edge/src/core/invite-challenges.ts).
       */
      digest?: DomainDigest;
      /**
       * Set with `digest` when no trunk could have sent an INVITE from this
       * source whatever number it called (no IP trunk at its address:port,
       * no registering line whose carrier is its address): the edge may then
       * answer the source's INVITEs to any number, not only to this one.
       */
      anyNumber?: true;
    }
  | {
      decision: 'route';
      call: RoutedCall;
      /** Every live device of the callee; the edge forks to all in parallel. Empty for an outbound trunk call. */
      targets: CallTarget[];
      /** Outbound trunk call: the legs in failover order (the first is admitted). */
      trunkLegs?: TrunkLeg[];
      auth?: AuthInfo;
    };

/** One ended call whose slots go back. */
export interface ReleasedCall {
  callId: string;
  /** RoutedCall.callRef: the slots and trunk slots it holds are released; absent (an earlier edge): those of `callId`. */
  callRef?: string;
  slots: CallSlot[];
  /** Trunk slots to give back (idempotent, like `slots`). */
  trunkSlots?: TrunkSlot[];
}

/** Calls per release-call event at most: the first and 49 in `more` (edge/src/proxy/release-batcher.ts). */
export const RELEASE_BATCH_MAX_CALLS = 50;

export interface ReleaseCallEvent extends ReleasedCall {
  type: 'release-call';
  /**
   * Other calls that ended on the edge within the same short window, released
   * like the first (issue 14: one invoke for the ends of a busy moment, not
   * one per call). The functions deploy before the edge that sends it
   * (infra/sip-edge-service.ts), so no function ignores it.
   */
  more?: ReleasedCall[];
}

/** Outbound failover: the edge takes the next trunk's slot before sending the INVITE there. */
export interface TakeTrunkSlotEvent {
  type: 'take-trunk-slot';
  edge: EdgeIdentity;
  callId: string;
  /** RoutedCall.callRef: the lease is the call's; absent (an earlier edge): keyed by `callId`. */
  callRef?: string;
  tenantId: string;
  trunkId: string;
}

export type TakeTrunkSlotResult = { ok: true; slot: TrunkSlot } | { ok: false; reason: string };

/**
 * An edge's audit of its slots (edge/src/proxy/slot-audit.ts): the calls it
 * carries that hold trunk slots, and those that hold users' call slots
 * (MSS call limits). Its trunk leases taken more than `graceSeconds` ago for
 * any other call are given back at once; the call-slot list is recorded
 * (functions/src/edges/carried-calls.ts), and a take that finds a user at the
 * limit gives back this edge's entries taken more than `graceSeconds` before
 * the record for calls the record does not name.
 */
export interface AuditSlotsEvent {
  type: 'audit-slots';
  edge: EdgeIdentity;
  /** callRefs (RoutedCall.callRef; the Call-ID for an earlier edge's calls) of the calls holding trunk slots on this edge now. */
  trunkSlotsHeld: string[];
  /** The same for the calls holding users' call slots. */
  callSlotsHeld: string[];
  /** Longer than any take takes to reach the edge as a call (authorize-call, take-trunk-slot). */
  graceSeconds: number;
}

export interface AuditSlotsResult {
  /** Trunk leases given back. */
  released: number;
  /** Whether the call-slot list was recorded (false: too long for one item; the previous record stays). */
  recorded: boolean;
}

/** A registering trunk ("external line") as the edge needs it to keep it registered. */
export type TrunkLine = Pick<
  Trunk,
  'tenantId' | 'id' | 'host' | 'port' | 'transport' | 'username' | 'authUser' | 'password' | 'domain' | 'realm' | 'expires' | 'outboundProxy'
> & {
  kind: 'register';
  /** gVarSipRegSameDialog that applies to this line (trunk → tenant → system → 1). The password is never logged. */
  regSameDialog: 0 | 1;
};

/** Every registering trunk of every tenant (the edges poll it). */
export interface TrunkLinesEvent {
  type: 'trunk-lines';
}

export interface TrunkLinesResult {
  lines: TrunkLine[];
}

/**
 * Exactly one edge registers a given line: a lease in the store
 * (edge/src/trunks/trunk-lease.ts documents the conditional write).
 */
export interface TrunkLeaseEvent {
  type: 'trunk-lease';
  op: 'acquire' | 'release';
  /** `<tenantId>#<trunkId>` (trunkLeaseKey). */
  trunkKey: string;
  edgeId: string;
  /** acquire only: lease lifetime. */
  ttlMs?: number;
}

export interface TrunkLeaseResult {
  /** acquire: this edge holds the lease now; release: false. */
  held: boolean;
}

export interface ReleaseCallResult {
  released: number;
}

/** Every edge says it is alive every few seconds; calls, slots and flows of a dead edge are reclaimed. */
export interface EdgeHeartbeatEvent {
  type: 'edge-heartbeat';
  edge: EdgeIdentity;
  /** Where other edges send SIP for devices this edge holds. */
  sip: { host: string; port: number };
  /** The heartbeat is valid this long (a few heartbeat periods). */
  ttlSeconds: number;
}

export interface EdgeHeartbeatResult {
  ok: true;
}

// ---------------------------------------------------------------------------

/** Each function's event and result, by name: the invoker port and the registry are typed by these. */
export interface FunctionEvents {
  register: RegisterEvent;
  'flow-closed': FlowClosedEvent;
  'authorize-call': AuthorizeCallEvent;
  'release-call': ReleaseCallEvent;
  'edge-heartbeat': EdgeHeartbeatEvent;
  'take-trunk-slot': TakeTrunkSlotEvent;
  'audit-slots': AuditSlotsEvent;
  'trunk-lines': TrunkLinesEvent;
  'trunk-lease': TrunkLeaseEvent;
}

export interface FunctionResults {
  register: RegisterResult;
  'flow-closed': FlowClosedResult;
  'authorize-call': AuthorizeCallResult;
  'release-call': ReleaseCallResult;
  'edge-heartbeat': EdgeHeartbeatResult;
  'take-trunk-slot': TakeTrunkSlotResult;
  'audit-slots': AuditSlotsResult;
  'trunk-lines': TrunkLinesResult;
  'trunk-lease': TrunkLeaseResult;
}

/** Function names as the invoker knows them (the Lambda function names' suffixes in the cloud). */
export type FunctionName = keyof FunctionEvents;

/** The functions an edge invokes, as a list (the cloud's edge role may invoke exactly these). */
export const EDGE_FUNCTIONS = [
  'register',
  'flow-closed',
  'authorize-call',
  'release-call',
  'edge-heartbeat',
  'take-trunk-slot',
  'audit-slots',
  'trunk-lines',
  'trunk-lease',
] as const satisfies readonly FunctionName[];

// Compile-time check that EDGE_FUNCTIONS names every function of FunctionEvents.
type MissingEdgeFunction = Exclude<FunctionName, (typeof EDGE_FUNCTIONS)[number]>;
const everyEdgeFunctionListed: MissingEdgeFunction extends never ? true : never = true;
void everyEdgeFunctionListed;
