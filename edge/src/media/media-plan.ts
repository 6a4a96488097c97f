/**
 * Whether a call's media must be anchored in rtpengine, and the ng flags for
 * each leg. Pure: it reads SDP text and returns a plan; the rtpengine adapter
 * (rtpengine-ng.ts) sends it.
 *
 * A browser leg speaks ICE + DTLS-SRTP over UDP/TLS/RTP/SAVPF (RFC 8827,
 * RFC 5764, RFC 8445); a desk phone or carrier speaks plain RTP/AVP
 * (RFC 3551). The two cannot hear each other without a bridge, so the edge
 * anchors exactly when the profiles differ, or always when the operator asks
 * (phones behind NAT).
 */

export type MediaProfile = 'webrtc' | 'plain';

/** The profile of an SDP body by its first audio m= line's proto (RFC 4566 §5.14). */
export function mediaProfileOf(sdp: string): MediaProfile | undefined {
  const line = sdp.split(/\r?\n/).find((l) => l.startsWith('m=audio '));
  if (line === undefined) return undefined;
  const proto = line.split(' ')[2] ?? '';
  // RFC 5764 §8: DTLS-SRTP is signalled by UDP/TLS/RTP/SAVP(F).
  return /^(UDP\/)?TLS\/RTP\/SAVPF?$/i.test(proto) ? 'webrtc' : 'plain';
}

/** What the callee leg speaks, known from its registration (a WebSocket contact is a browser). */
export function profileOfTarget(transport: string): MediaProfile {
  return /^wss?$/i.test(transport) ? 'webrtc' : 'plain';
}

export type AnchorDecision =
  | { readonly anchor: false }
  | { readonly anchor: true; readonly offerFlags: NgLegFlags; readonly answerFlags: NgLegFlags };

export interface NgLegFlags {
  readonly 'transport-protocol': string;
  readonly ICE: 'force' | 'remove';
  readonly 'rtcp-mux': readonly string[];
  /** Browsers do DTLS-SRTP only (RFC 8827 §6.5): no SDES a=crypto lines towards them. */
  readonly SDES?: readonly string[];
  /** `generate-mid`: a=mid for the browser's BUNDLE machinery (RFC 8843). */
  readonly flags?: readonly string[];
  // G.711 passes through untranscoded when both sides offer it; RFC 4733
  // telephone-event is kept because rtpengine forwards it unchanged.
  readonly codec?: { readonly strip?: readonly string[] };
}

/** ng flags that make rtpengine present the leg towards a party of this profile. */
export function flagsToward(profile: MediaProfile): NgLegFlags {
  return profile === 'webrtc'
    ? { 'transport-protocol': 'UDP/TLS/RTP/SAVPF', ICE: 'force', SDES: ['off'], 'rtcp-mux': ['offer', 'require'], flags: ['generate-mid'] }
    : // No DTLS key: it would apply to the whole call, and the browser's side of it needs DTLS.
      { 'transport-protocol': 'RTP/AVP', ICE: 'remove', 'rtcp-mux': ['demux'] };
}

/**
 * The decision for one INVITE branch: offerFlags rewrite the caller's offer
 * towards the callee, answerFlags rewrite the callee's answer towards the caller.
 */
export function decideAnchor(caller: MediaProfile, callee: MediaProfile, anchorAll: boolean): AnchorDecision {
  if (caller === callee && !anchorAll) return { anchor: false };
  return { anchor: true, offerFlags: flagsToward(callee), answerFlags: flagsToward(caller) };
}

/** The SIP reason when a call needs the bridge and the edge has none: 488 (RFC 3261 §21.4.26) with a Warning (§20.43, code 305 incompatible media format). */
export const NO_BRIDGE = { status: 488, reason: 'Not Acceptable Here', warning: '305 nimbus "media bridge (rtpengine) unavailable"' } as const;
