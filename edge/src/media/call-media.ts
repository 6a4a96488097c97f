/**
 * The media of one proxied call in rtpengine: the caller's offer rewritten
 * per branch (RFC 3261 §16.6: each fork gets its own offer, told apart by
 * rtpengine's via-branch), each branch's answer rewritten back (RFC 3264),
 * the winner kept for the dialog's re-INVITEs and UPDATEs (hold, resume:
 * RFC 3264 §8.4), and the session deleted when the call ends, however it
 * ends. A call none of whose branches is anchored never talks to rtpengine.
 *
 * A late offer (an INVITE without SDP, RFC 3261 §13.2.1) turns the roles
 * round: the callee's 2xx carries the offer and the caller's ACK the answer,
 * so rtpengine is offered the 2xx under the callee's tag and answered with
 * the ACK.
 */
import { tagOf } from '../../../sip/index.js';
import type { SipRequest, SipResponse } from '../../../sip/message.js';
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

export class CallMedia {
  /** Anchored branches → the profile of the callee behind each. */
  private readonly branches = new Map<string, MediaProfile>();
  /** Anchored forks that failed and were freed already. */
  private readonly failed = new Set<string>();
  /** The answered branch's callee side, for in-dialog offers. */
  private winner?: { callee: MediaProfile };
  /** Late offer: the callee's tag whose 2xx offer rtpengine holds, until the caller's ACK answers it. */
  private awaitingAck?: string;
  private released = false;

  constructor(
    private readonly anchors: MediaAnchorsView,
    readonly callId: string,
    readonly callerTag: string,
    /** What the caller speaks: from its offer, or (late offer) from how it reached us. */
    private readonly caller: MediaProfile,
    /** The INVITE carries no offer: the 2xx will (RFC 3261 §13.2.1). */
    private readonly lateOffer: boolean,
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
    if (!callee || (!this.lateOffer && !hasSdp(request))) return undefined;
    const plan = decideAnchor(this.caller, callee, this.anchors.anchorAll);
    if (!plan.anchor) return undefined;
    const { control } = this.anchors;
    if (!control) return Promise.resolve('no-bridge');
    this.branches.set(key, callee);
    this.anchors.track(this);
    // Nothing to offer yet: the branch's 2xx brings the offer.
    if (this.lateOffer) return Promise.resolve('anchored');
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

  /** A branch's 18x/2xx with SDP: the callee's answer (late offer: its offer) as the caller must see it. */
  async branchResponse(key: string, res: SipResponse): Promise<SipResponse> {
    if (!this.branches.has(key) || res.status <= 100 || res.status >= 300 || !hasSdp(res)) return res;
    if (this.lateOffer) return this.lateOfferIn(key, res);
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

  /** Late offer: the 2xx's offer, under the callee's tag, turned towards the caller; a provisional's SDP is no offer (§13.2.1) and is dropped. */
  private async lateOfferIn(key: string, res: SipResponse): Promise<SipResponse> {
    if (res.status < 200) {
      dropBody(res);
      return res;
    }
    const calleeTag = tagOf(res, 'To') ?? '';
    try {
      res.body = await this.anchors.control!.offer({ callId: this.callId, fromTag: calleeTag, toTag: this.callerTag, viaBranch: key }, res.body, flagsToward(this.caller));
      this.awaitingAck = calleeTag;
    } catch (err) {
      this.anchors.logger.error({ err: (err as Error).message, callId: this.callId }, 'media bridge refused the late offer');
    }
    return res;
  }

  /** Late offer: this ACK carries the caller's answer for rtpengine. */
  answersInAck(ack: SipRequest): boolean {
    return this.awaitingAck !== undefined && hasSdp(ack) && tagOf(ack, 'To') === this.awaitingAck;
  }

  /** The ACK's answer turned towards the callee (late offer). */
  async ackAnswer(ack: SipRequest): Promise<void> {
    const calleeTag = this.awaitingAck;
    const callee = this.winner?.callee;
    if (!calleeTag || !callee || !hasSdp(ack)) return;
    this.awaitingAck = undefined;
    ack.body = await this.anchors.control!.answer({ callId: this.callId, fromTag: calleeTag, toTag: this.callerTag }, ack.body, flagsToward(callee));
  }

  /**
   * A fork failed (busy, timeout, a trunk failing over) while the call goes
   * on: its ports are freed now, not at the end of the call. A late-offer
   * branch never reached rtpengine, so there is nothing to free.
   */
  branchFailed(key: string): void {
    if (!this.branches.has(key) || this.failed.has(key) || this.lateOffer || this.released || !this.anchors.control) return;
    this.failed.add(key);
    this.anchors.control.delete(this.callId, this.callerTag, key).catch((err: Error) => {
      this.anchors.logger.debug({ err: err.message, callId: this.callId }, 'media branch not deleted; the call\'s release will');
    });
  }

  /** The branch that answered: its session carries the dialog; a direct branch won, the other forks' sessions are freed now. */
  answeredBy(key: string): void {
    const callee = this.branches.get(key);
    if (callee) this.winner = { callee };
    else this.release();
  }

  /** An in-dialog request of this call (re-INVITE, UPDATE) with an offer: rewritten for the side it goes to. */
  async dialogOffer(req: SipRequest): Promise<void> {
    if (!this.winner || !hasSdp(req)) return;
    const fromCaller = tagOf(req, 'From') === this.callerTag;
    const toward = fromCaller ? this.winner.callee : this.caller;
    req.body = await this.anchors.control!.offer(this.dialogLeg(req), req.body, flagsToward(toward));
  }

  /** The answer to such a request, rewritten for the side that sent the offer. */
  async dialogAnswer(req: SipRequest, res: SipResponse): Promise<void> {
    if (!this.winner || !hasSdp(req) || !hasSdp(res) || res.status < 200 || res.status >= 300) return;
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
