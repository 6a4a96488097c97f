import { createResponse, getHeader, newTag, parseNameAddr } from '../../../sip/index.js';
import type { SipRequest, SipResponse } from '../../../sip/message.js';
import type { AnsweredBy, CallDisposition, HangupBy } from '../../../contracts/bus/call-events.js';
import type { Source } from '../../../contracts/transport.js';
import type { CallMedia } from '../media/call-media.js';
import { NO_BRIDGE } from '../media/media-plan.js';
import type { ClientTransaction, InviteServerTransaction } from '../transaction/index.js';
import type { BranchTarget } from './branch-target.js';
import type { ProxiedCall } from './call-registry.js';
import { inviteIdentity, type InviteIdentity } from './merged-request.js';
import { cancelFor, CALL_COMPLETED_ELSEWHERE } from './cancel-request.js';
import { forwardedCopy } from './forward-request.js';
import type { ProxyContext } from './proxy-context.js';
import { recordRouteUris } from './record-route.js';
import { bestFinalResponse, withoutTopVia } from './response-relay.js';
import { addRecordRoutes, pushRoute } from './route-set.js';

/** What happens to the call, for whoever accounts for it (call-accounting.ts); every method is called at most once. */
export interface CallObserver {
  /** The first 180/183 reached the caller. */
  alerted(status: 180 | 183): void;
  /** The first 2xx reached the caller. */
  answered(by: AnsweredBy): void;
  /** The call is over: a final answer without 2xx, the BYE of an answered call, or no ACK for its 2xx. */
  ended(status: number, disposition: CallDisposition, hangupBy: HangupBy, reason?: string): void;
}

/**
 * How a branch that is not a plain device behaves (a trunk leg,
 * trunk-legs.ts): its own request, an answer to its 401/407, its own view of
 * the responses for the caller, and a say on its final answer.
 */
export interface BranchHooks {
  /** A 401/407 on this branch: the request to send instead, or undefined to take it as the branch's final answer. */
  answerChallenge?(res: SipResponse, sent: SipRequest): SipRequest | undefined;
  /** This branch's final answer before anyone answered: true = taken over (e.g. failover), the proxy does not count it. */
  takeOverFinal?(res: SipResponse, provisionalSeen: boolean): boolean;
  /** The caller's view of this branch's responses (default: our Via removed). */
  toCaller?(res: SipResponse): SipResponse;
}

interface Branch {
  /** Names the fork in rtpengine (its via-branch); stable across a re-sent, authenticated request. */
  key: string;
  target: BranchTarget;
  request: SipRequest;
  hooks: BranchHooks;
  tx?: ClientTransaction;
  provisional: boolean;
  final?: SipResponse;
  timerC?: NodeJS.Timeout;
  cancelGuard?: NodeJS.Timeout;
  /** CANCEL wanted before any provisional arrived (§9.1: wait for one). */
  pendingCancel?: string | null;
  /** Timer C fired: whatever final comes back, this branch went unanswered. */
  timedOut: boolean;
  /** An anchored branch's responses, in arrival order, each after its SDP is rewritten (call-media.ts). */
  relayed?: Promise<void>;
}

/** After a CANCEL, a branch that never answers is given up after this (64·T1, §16.10 / §9.1). */
const CANCEL_GUARD_MS = 32_000;

/** The CDR's reason for a call ended by ackMissing. */
export const NO_ACK_REASON = 'no ACK for the 2xx (RFC 3261 §13.3.1.4)';

/** Observes nothing: an edge that only relays a call for another edge does not account for it. */
const UNOBSERVED: CallObserver = { alerted: () => undefined, answered: () => undefined, ended: () => undefined };

/**
 * RFC 3261 §16 stateful proxying of one INVITE: parallel forking to every
 * device (§16.6), relaying provisionals, the first 2xx wins and the other
 * branches are cancelled with "Call completed elsewhere" (RFC 3326), the best
 * final response when nobody answers (§16.7), Timer C (§16.8), CANCEL from
 * the caller (§16.10). What the call means to the PBX (events, slots) is the
 * observer's business; trunk failover adds branches one at a time through
 * `fork` with its hooks.
 */
export class InviteForkingProxy implements ProxiedCall {
  private readonly branches: Branch[] = [];
  private state: 'proceeding' | 'answered' | 'completed' = 'proceeding';
  private cancelled = false;
  private finished = false;
  private alerted = false;
  /** Armed when the call is answered, cleared by the ACK of the 2xx (§13.3.1.4). */
  private ackTimer: NodeJS.Timeout | undefined;
  /** performance.now() when the first branch went out. */
  private firstSentAt: number | undefined;
  readonly callerTag: string;
  readonly identity: InviteIdentity;
  /** The call's media in rtpengine; only the edge that owns the call anchors it (a relaying edge passes SDP on). */
  private readonly media?: CallMedia;

  constructor(
    private readonly ctx: Pick<ProxyContext, 'identity' | 'hops' | 'addresses' | 'transactions' | 'calls' | 'logger' | 'timerCMs' | 'ackWaitMs' | 'credentials' | 'media' | 'observeAddedLatency'>,
    private readonly serverTx: InviteServerTransaction,
    readonly request: SipRequest,
    readonly source: Source,
    private readonly observer: CallObserver = UNOBSERVED,
    /** A relayed call is forgotten once answered: the edge that owns it sees its BYE. */
    private readonly owned = observer !== UNOBSERVED,
  ) {
    this.identity = inviteIdentity(request);
    this.callerTag = this.identity.fromTag;
    if (owned && ctx.media) this.media = ctx.media.forInvite(request, this.callerTag, source);
    this.ctx.calls.add(this.serverTx.id, this);
    this.serverTx.on('terminated', () => this.ctx.calls.removeTransaction(this.serverTx.id));
  }

  get callId(): string {
    return getHeader(this.request, 'Call-ID') ?? '';
  }

  /** The caller cancelled (§16.10): nothing new may be started for this call. */
  get cancelledByCaller(): boolean {
    return this.cancelled;
  }

  /** Still waiting for an answer: new branches may be forked. */
  get proceeding(): boolean {
    return this.state === 'proceeding';
  }

  /** The edge's share of the set-up: INVITE arrival → first branch sent, plus the first 180/183's arrival → its relay (now). */
  private reportAddedLatency(provisionalArrivedAt: number): void {
    if (!this.owned || this.firstSentAt === undefined || !this.ctx.observeAddedLatency) return;
    const ms = this.firstSentAt - this.serverTx.createdAt + (performance.now() - provisionalArrivedAt);
    this.ctx.observeAddedLatency(Math.max(0, ms) / 1000);
  }

  /** Forks to every device at once (§16.6); nobody to fork to is 480 (§16.7 step 6 with no branch). */
  start(targets: BranchTarget[]): void {
    for (const target of targets) this.fork(target);
    if (this.branches.length === 0) this.complete(createResponse(this.request, 480, 'Temporarily Unavailable', { toTag: newTag() }), 'no-answer');
  }

  /** One more branch; `request` replaces the plain forwarded copy (trunk legs build their own). */
  fork(target: BranchTarget, hooks: BranchHooks = {}, request?: SipRequest): void {
    const branch: Branch = { key: `b${this.branches.length}`, target, request: request ?? this.forwardedTo(target), hooks, provisional: false, timedOut: false };
    this.branches.push(branch);
    const media = this.media?.prepareBranch(branch.key, branch.request, target.profile);
    if (!media) return this.send(branch);
    branch.relayed = Promise.resolve();
    void media.then((outcome) => {
      // A call that needs the bridge and cannot get it fails with a reason, never with one-way audio.
      if (outcome === 'no-bridge') this.onBranchFinal(branch, noBridge(branch.request));
      // Answered elsewhere or cancelled while rtpengine was asked: this branch never starts.
      else if (this.state !== 'proceeding' || this.cancelled) this.onBranchFinal(branch, createResponse(branch.request, 487, 'Request Terminated'));
      else this.send(branch);
    });
  }

  /** The caller gets this final answer now (e.g. 503 when no trunk is left, 487 after a CANCEL between legs). */
  finishWith(status: number, reason: string, disposition: CallDisposition): void {
    if (this.state !== 'proceeding') return;
    this.complete(createResponse(this.request, status, reason, { toTag: newTag() }), disposition);
  }

  /** §16.10: the caller's CANCEL cancels every pending branch; the branches' 487s make the final answer. */
  cancelFromCaller(): void {
    if (this.state !== 'proceeding') return;
    this.cancelled = true;
    for (const branch of this.branches) this.cancelBranch(branch, null);
  }

  /** The caller's ACK of the 2xx passed this edge (it Record-Routes, so every ACK does): the call is confirmed. */
  ackSeen(): void {
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
  }

  /**
   * RFC 3261 §13.3.1.4: a 2xx no ACK confirms in 64·T1 means the session
   * SHOULD be terminated; the callee does that with a BYE, which ends the
   * call here as any BYE does. A callee that never sends it, or a caller
   * that vanished after the INVITE (a crashed phone, a caller that gave up
   * while authorization was slow), must not hold the call's slots for ever:
   * after ackWaitMs the call's accounting ends without it.
   */
  private ackMissing(): void {
    this.ackTimer = undefined;
    if (this.state !== 'answered' || this.finished) return;
    this.ctx.logger.warn({ waitedMs: this.ctx.ackWaitMs }, 'no ACK for the 2xx: the call is over');
    this.finish(200, 'failed', 'system', NO_ACK_REASON);
  }

  /** An in-dialog BYE passed this edge: the answered call is over (who hung up = who sent it). */
  byeSeen(bye: SipRequest): void {
    if (this.state !== 'answered' || this.finished) return;
    const fromTag = parseNameAddr(getHeader(bye, 'From') ?? '')?.params.tag;
    this.finish(200, 'answered', fromTag === this.callerTag ? 'caller' : 'callee');
  }

  /** §16.6 steps 1-8 for a device: the copy, our Record-Route (twice across transports, RFC 5658) and a pre-loaded Route. */
  private forwardedTo(target: BranchTarget): SipRequest {
    const dest = target.destination;
    const { request } = forwardedCopy(this.request, { requestUri: target.requestUri, viaSentBy: this.ctx.addresses.viaSentBy(dest.protocol) });
    // §22.3: the caller's credentials for our realm were consumed here; the callee never sees them.
    this.ctx.credentials.strip(request, this.source.address);
    addRecordRoutes(request, recordRouteUris(this.ctx, this.callId, this.source, dest, this.callerTag));
    if (target.route) pushRoute(request, target.route);
    return request;
  }

  private send(branch: Branch): void {
    const { request } = branch;
    // The edge's own share of the set-up ends here for the INVITE (the rest is the callee's and the network's).
    this.firstSentAt ??= performance.now();
    try {
      branch.tx = this.ctx.transactions.sendRequest(request, branch.target.destination, {
        onResponse: (res) => this.onBranchResponse(branch, res),
        onTimeout: () => this.onBranchFinal(branch, createResponse(request, 408, 'Request Timeout')),
        onTransportError: () => this.onBranchFinal(branch, createResponse(request, 503, 'Service Unavailable')),
      });
    } catch (err) {
      this.ctx.logger.warn({ err }, 'branch could not be sent');
      this.onBranchFinal(branch, createResponse(request, 503, 'Service Unavailable'));
      return;
    }
    this.armTimerC(branch);
  }

  private toCaller(branch: Branch, res: SipResponse): SipResponse {
    return branch.hooks.toCaller ? branch.hooks.toCaller(res) : withoutTopVia(res);
  }

  private onBranchResponse(branch: Branch, res: SipResponse): void {
    const arrivedAt = performance.now();
    if (branch.relayed && this.media?.isAnchored(branch.key)) {
      // In order: a 180 with SDP must not overtake nor be overtaken by the 200 behind it.
      const media = this.media;
      branch.relayed = branch.relayed
        .then(async () => this.handleBranchResponse(branch, await media.branchResponse(branch.key, res), arrivedAt))
        // One response that failed must not stall the ones behind it.
        .catch((err: unknown) => this.ctx.logger.warn({ err, status: res.status }, 'branch response not relayed'));
      return;
    }
    this.handleBranchResponse(branch, res, arrivedAt);
  }

  private handleBranchResponse(branch: Branch, res: SipResponse, arrivedAt = performance.now()): void {
    if ((res.status === 401 || res.status === 407) && this.answerChallenge(branch, res)) return;
    if (res.status < 200) {
      if (res.status === 100) return; // §16.7 step 5: 100 is hop-by-hop
      branch.provisional = true;
      this.armTimerC(branch); // §16.8: reset on every provisional
      if (branch.pendingCancel !== undefined) {
        const reason = branch.pendingCancel;
        branch.pendingCancel = undefined;
        this.sendCancel(branch, reason);
      }
      if (this.state === 'proceeding') {
        this.serverTx.respond(this.toCaller(branch, res));
        if (!this.alerted && (res.status === 180 || res.status === 183)) {
          this.alerted = true;
          this.observer.alerted(res.status);
          this.reportAddedLatency(arrivedAt);
        }
      }
      return;
    }
    if (res.status < 300) {
      this.clearTimers(branch);
      branch.final ??= res;
      // §16.7 step 5: every 2xx is forwarded, retransmissions and other branches' included.
      this.serverTx.respond(this.toCaller(branch, res));
      if (this.state === 'proceeding') this.answered(branch);
      return;
    }
    this.onBranchFinal(branch, res);
  }

  /** A branch's own answer to a 401/407 (a trunk leg's credentials); the caller never sees the challenge. */
  private answerChallenge(branch: Branch, res: SipResponse): boolean {
    if (!branch.hooks.answerChallenge || this.state !== 'proceeding' || this.cancelled) return false;
    const retry = branch.hooks.answerChallenge(res, branch.request);
    if (!retry) return false;
    this.clearTimers(branch);
    // The retry is built from the caller's INVITE: it carries the offer as this branch sent it (rewritten when anchored).
    retry.body = branch.request.body;
    branch.request = retry;
    this.send(branch);
    return true;
  }

  private answered(winner: Branch): void {
    this.state = 'answered';
    this.media?.answeredBy(winner.key);
    for (const branch of this.branches) {
      if (branch !== winner && !branch.final) this.cancelBranch(branch, CALL_COMPLETED_ELSEWHERE);
    }
    this.observer.answered({ contact: winner.target.requestUri, bindingKey: winner.target.bindingKey ?? winner.target.requestUri });
    if (!this.owned) return this.ctx.calls.remove(this);
    this.ackTimer = setTimeout(() => this.ackMissing(), this.ctx.ackWaitMs);
    this.ackTimer.unref();
  }

  private onBranchFinal(branch: Branch, res: SipResponse): void {
    if (branch.final) return;
    this.clearTimers(branch);
    branch.final = branch.timedOut && res.status === 487 ? createResponse(branch.request, 408, 'Request Timeout') : res;
    // The call may go on (other forks, the next trunk): this fork's media ports are freed now.
    if (this.state === 'proceeding') this.media?.branchFailed(branch.key);
    if (this.state === 'proceeding' && !this.cancelled && branch.hooks.takeOverFinal?.(branch.final, branch.provisional)) return;
    if (this.state !== 'proceeding' || this.branches.some((b) => !b.final)) return;
    const bestBranch = bestFinalBranch(this.branches);
    const best = bestBranch.final!;
    const disposition: CallDisposition = this.cancelled
      ? 'cancelled'
      : this.branches.every((b) => b.timedOut) || best.status === 408 || best.status === 480
        ? 'no-answer'
        : [486, 600, 603].includes(best.status)
          ? 'busy'
          : 'failed';
    this.complete(this.toCaller(bestBranch, best), disposition);
  }

  private complete(response: SipResponse, disposition: CallDisposition): void {
    this.state = 'completed';
    this.serverTx.respond(response);
    const hangupBy: HangupBy = disposition === 'cancelled' ? 'caller' : disposition === 'no-answer' ? 'system' : 'callee';
    this.finish(response.status, disposition, hangupBy);
  }

  private finish(status: number, disposition: CallDisposition, hangupBy: HangupBy, reason?: string): void {
    if (this.finished) return;
    this.finished = true;
    this.ackSeen();
    this.media?.release();
    this.ctx.calls.remove(this);
    this.observer.ended(status, disposition, hangupBy, reason);
  }

  /** §16.8 Timer C: a ringing branch that never ends is cancelled. */
  private armTimerC(branch: Branch): void {
    if (branch.timerC) clearTimeout(branch.timerC);
    branch.timerC = setTimeout(() => {
      branch.timedOut = true;
      if (branch.provisional) this.cancelBranch(branch, null);
      else this.onBranchFinal(branch, createResponse(branch.request, 408, 'Request Timeout'));
    }, this.ctx.timerCMs);
    branch.timerC.unref();
  }

  private cancelBranch(branch: Branch, reason: string | null): void {
    if (branch.final || branch.cancelGuard) return;
    if (!branch.provisional) {
      // §9.1: a CANCEL may only follow a provisional response; send it when one arrives.
      branch.pendingCancel = reason;
      return;
    }
    this.sendCancel(branch, reason);
  }

  private sendCancel(branch: Branch, reason: string | null): void {
    if (branch.final || branch.cancelGuard) return;
    try {
      this.ctx.transactions.sendRequest(cancelFor(branch.request, reason ?? undefined), branch.target.destination, {
        onResponse: () => undefined,
        onTimeout: () => undefined,
        onTransportError: () => undefined,
      });
    } catch (err) {
      this.ctx.logger.debug({ err }, 'CANCEL not sent');
    }
    branch.cancelGuard = setTimeout(() => this.onBranchFinal(branch, createResponse(branch.request, 487, 'Request Terminated')), CANCEL_GUARD_MS);
    branch.cancelGuard.unref();
  }

  private clearTimers(branch: Branch): void {
    if (branch.timerC) clearTimeout(branch.timerC);
    if (branch.cancelGuard) clearTimeout(branch.cancelGuard);
  }
}

/** 488 with the Warning that names the missing bridge (media-plan.ts NO_BRIDGE). */
function noBridge(request: SipRequest): SipResponse {
  return createResponse(request, NO_BRIDGE.status, NO_BRIDGE.reason, { headers: [{ name: 'Warning', value: NO_BRIDGE.warning }] });
}

/** §16.7 step 6 over branches: the branch whose final response is the best (its response may need the caller's terms). */
function bestFinalBranch(branches: Branch[]): Branch {
  const best = bestFinalResponse(branches.map((b) => b.final!))!;
  return branches.find((b) => b.final === best)!;
}
