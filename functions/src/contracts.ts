/**
 * The JSON events the edge sends to functions and what they answer. The same
 * payloads travel through the in-process invoker locally and through Lambda
 * Invoke in the cloud, so they must stay plain JSON.
 */
import type { SipHeader, SipRequest } from '../../sip/message.js';
import type { Source } from '../../edge/src/transport/types.js';

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

/** A response for the edge to send: it copies Via/From/To/Call-ID/CSeq from the request (RFC 3261 §8.2.6) and adds these headers. */
export interface SipReply {
  status: number;
  reason: string;
  headers: SipHeader[];
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
  auth?: { outcome: AuthOutcome; tenantId?: string; username?: string };
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

/** Function names as the invoker knows them (the Lambda function names' suffixes in the cloud). */
export type FunctionName = 'register' | 'flow-closed';
