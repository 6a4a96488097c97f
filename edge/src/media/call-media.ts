/**
 * The media of one proxied call in rtpengine: the caller's offer rewritten
 * per branch (RFC 3261 §16.6: each fork gets its own offer, told apart by
 * rtpengine's via-branch), each branch's answer rewritten back (RFC 3264),
 * the winner kept for the dialog's re-INVITEs and UPDATEs (hold, resume:
 * RFC 3264 §8.4), and the session deleted when the call ends, however it
 * ends. A call none of whose branches is anchored never talks to rtpengine.
 */
import { getHeader, parseNameAddr } from '../../../sip/index.js';
import type { SipMessage, SipRequest, SipResponse } from '../../../sip/message.js';
import type { Logger } from '../logger.js';
import { decideAnchor, flagsToward, type MediaProfile } from './media-plan.js';
import type { MediaControl } from './rtpengine-ng.js';
import { dropBody, hasSdp } from './sdp-body.js';

/** What a call's media needs of the edge-wide bridge (media-anchors.ts). */
export interface MediaAnchorsView {
  readonly control: MediaControl | undefined;
  readonly anchorAll: boolean;
  readonly logger: Logger;
  track(call: CallMedia): void;
  untrack(call: CallMedia): void;
}

/** How a branch's INVITE goes out: unchanged, anchored, or not at all (no bridge: 488). */
export type BranchMediaOutcome = 'anchored' | 'no-bridge';

const tagOf = (message: SipMessage, header: 'From' | 'To') => parseNameAddr(getHeader(message, header) ?? '')?.params.tag ?? undefined;

export class CallMedia {
  /** Anchored branches → the profile of the callee behind each. */
  private readonly branches = new Map<string, MediaProfile>();
  /** The answered branch's callee side, for in-dialog offers. */
  private winner?: { callee: MediaProfile };
  private released = false;

  constructor(
    private readonly anchors: MediaAnchorsView,
    readonly callId: string,
    readonly callerTag: string,
    /** Undefined when the INVITE carries no SDP (a late offer, RFC 3261 §13.2.1): such calls are not anchored. */
    private readonly caller: MediaProfile | undefined,
  ) {}

  /** Some branch of this call holds a session in rtpengine (or is asking for one). */
  get anchored(): boolean {
    return this.branches.size > 0;
  }

  /**
   * Before a branch's INVITE is sent: undefined when it goes as it is (the
   * profiles match, or there is no offer to bridge), else a promise that
   * rewrites `request`'s offer for the callee's profile.
   */
  prepareBranch(key: string, request: SipRequest, callee: MediaProfile | undefined): Promise<BranchMediaOutcome> | undefined {
    if (!callee || !this.caller || !hasSdp(request)) return undefined;
    const plan = decideAnchor(this.caller, callee, this.anchors.anchorAll);
    if (!plan.anchor) return undefined;
    const { control } = this.anchors;
    if (!control) return Promise.resolve('no-bridge');
    this.branches.set(key, callee);
    this.anchors.track(this);
    return control.offer({ callId: this.callId, fromTag: this.callerTag, viaBranch: key }, request.body, plan.offerFlags).then(
      (sdp): BranchMediaOutcome => {
        request.body = sdp;
        return 'anchored';
      },
      (err: Error): BranchMediaOutcome => {
        this.anchors.logger.error({ err: err.message, callId: this.callId }, 'media bridge refused the offer');
        this.branches.delete(key);
        return 'no-bridge';
      },
    );
  }

  isAnchored(key: string): boolean {
    return this.branches.has(key);
  }

  /** A branch's 18x/2xx with SDP: the callee's answer as the caller must see it. */
  async branchResponse(key: string, res: SipResponse): Promise<SipResponse> {
    if (!this.branches.has(key) || res.status <= 100 || res.status >= 300 || !hasSdp(res) || !this.caller) return res;
    const leg = { callId: this.callId, fromTag: this.callerTag, toTag: tagOf(res, 'To'), viaBranch: key };
    try {
      res.body = await this.anchors.control!.answer(leg, res.body, flagsToward(this.caller));
    } catch (err) {
      this.anchors.logger.error({ err: (err as Error).message, callId: this.callId, status: res.status }, 'media bridge refused the answer');
      // Early media nobody could hear is dropped; a 2xx still completes the call (the caller's ACK and BYE must flow).
      if (res.status < 200) dropBody(res);
    }
    return res;
  }

  /** The branch that answered: its session carries the dialog. */
  answeredBy(key: string): void {
    const callee = this.branches.get(key);
    if (callee) this.winner = { callee };
  }

  /** An in-dialog request of this call (re-INVITE, UPDATE) with an offer: rewritten for the side it goes to. */
  async dialogOffer(req: SipRequest): Promise<void> {
    if (!this.winner || !this.caller || !hasSdp(req)) return;
    const fromCaller = tagOf(req, 'From') === this.callerTag;
    const toward = fromCaller ? this.winner.callee : this.caller;
    req.body = await this.anchors.control!.offer(this.dialogLeg(req), req.body, flagsToward(toward));
  }

  /** The answer to such a request, rewritten for the side that sent the offer. */
  async dialogAnswer(req: SipRequest, res: SipResponse): Promise<void> {
    if (!this.winner || !this.caller || !hasSdp(req) || !hasSdp(res) || res.status < 200 || res.status >= 300) return;
    const fromCaller = tagOf(req, 'From') === this.callerTag;
    const toward = fromCaller ? this.caller : this.winner.callee;
    res.body = await this.anchors.control!.answer(this.dialogLeg(req), res.body, flagsToward(toward));
  }

  /** The call is over (BYE, CANCEL, every branch failed): its ports are freed. Idempotent. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.anchors.untrack(this);
    if (!this.anchored || !this.anchors.control) return;
    this.anchors.control.delete(this.callId, this.callerTag).catch((err: Error) => {
      // The reaper (media-anchors.ts) deletes what this could not.
      this.anchors.logger.warn({ err: err.message, callId: this.callId }, 'media session not deleted; the reaper will');
    });
  }

  /** rtpengine names the offering party by its tag: in a dialog, whoever sends the request. */
  private dialogLeg(req: SipRequest) {
    return { callId: this.callId, fromTag: tagOf(req, 'From') ?? '', ...(tagOf(req, 'To') ? { toTag: tagOf(req, 'To')! } : {}) };
  }
}
