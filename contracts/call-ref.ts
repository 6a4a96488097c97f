/**
 * The PBX's identity of one call: `callRef`.
 *
 * The SIP Call-ID does not identify a call to the PBX: anybody can send a
 * second INVITE with the Call-ID of a call in progress — with another From
 * tag, or even the same one, to another edge — and a PBX that keyed its call
 * slots, trunk slots and CDRs by Call-ID would count both as one (issue 12:
 * a call limit dodged, a CDR overwritten). So the edge names every INVITE it
 * hands to authorize-call with a fresh callRef (one per INVITE server
 * transaction; an invoke that is retried carries the same), and slots,
 * trunk leases and CDRs are keyed by it. The Call-ID and the caller's From
 * tag stay on the CDR for admins, and the edge refuses an INVITE that
 * reuses the Call-ID of a call it carries (RFC 3261 §8.2.2.2, 482).
 *
 * An event without a callRef comes from an edge of an earlier version: its
 * call is keyed by its Call-ID, as it was then.
 */
export interface CallNames {
  /** The SIP Call-ID (RFC 3261 §20.8). */
  callId: string;
  callRef?: string;
}

/** The key of the call's slots, trunk lease and CDR. */
export function callRefOf(call: CallNames): string {
  return call.callRef ?? call.callId;
}
