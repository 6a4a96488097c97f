/**
 * RFC 3261 §8.2.2.2 (merged requests), applied by the proxy to the calls it
 * is carrying. Pure: a call in progress and a new INVITE (no To tag) with
 * the same Call-ID, each described by what identifies its transaction.
 *
 * A new INVITE that reuses the Call-ID of a call this edge is proxying is
 * never a new call of its own at this edge:
 * - another From tag: another UA (or an attacker) reusing the Call-ID, the
 *   "merged" case a UAS answers 482 (the callee's UA would answer it so
 *   too, after the PBX had taken a slot and opened a CDR for it);
 * - the same From tag and CSeq: the request forked and came back
 *   (§8.2.2.2 literally; a retransmission on the same branch is absorbed
 *   by the transaction layer before it gets here), 482 as well;
 * - the same From tag with another CSeq: a second INVITE before the first
 *   is over, which §14.2 answers 500 with Retry-After inside a dialog; the
 *   same here.
 */
import { getHeader, parseCSeq, parseNameAddr, parseVia } from '../../../sip/index.js';
import type { SipRequest } from '../../../sip/message.js';

/** What identifies an INVITE for the merge check. */
export interface InviteIdentity {
  callId: string;
  fromTag: string;
  /** CSeq sequence number. */
  cseq: number;
  /** Top Via branch as received. */
  branch: string;
}

/** The identity of an INVITE as received (missing parts are '' / 0: they then match nothing but each other). */
export function inviteIdentity(request: SipRequest): InviteIdentity {
  const via = getHeader(request, 'Via');
  return {
    callId: getHeader(request, 'Call-ID') ?? '',
    fromTag: parseNameAddr(getHeader(request, 'From') ?? '')?.params.tag ?? '',
    cseq: parseCSeq(getHeader(request, 'CSeq') ?? '')?.seq ?? 0,
    branch: (via === undefined ? undefined : parseVia(via)?.params.branch) ?? '',
  };
}

export type MergeVerdict =
  | { kind: 'merged'; status: 482; reason: 'Loop Detected' }
  | { kind: 'pending'; status: 500; reason: 'Server Internal Error' };

export const MERGED: MergeVerdict = { kind: 'merged', status: 482, reason: 'Loop Detected' };
export const PENDING: MergeVerdict = { kind: 'pending', status: 500, reason: 'Server Internal Error' };

/** §14.2: "a randomly chosen value of between 0 and 10 seconds"; any value in that range will do. */
export const PENDING_RETRY_AFTER_SECONDS = 5;

/** The verdict on `invite` given the calls in progress with its Call-ID; undefined = not merged with any (a call of its own). */
export function mergeVerdict(invite: InviteIdentity, inProgress: readonly InviteIdentity[]): MergeVerdict | undefined {
  const sameCallId = inProgress.filter((c) => c.callId === invite.callId);
  if (sameCallId.length === 0) return undefined;
  if (sameCallId.some((c) => c.fromTag !== invite.fromTag || c.cseq === invite.cseq)) return MERGED;
  return PENDING;
}
