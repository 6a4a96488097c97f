import { createResponse, getHeader, newTag, parseNameAddr } from '../../../sip/index.js';
import type { SipRequest, SipResponse } from '../../../sip/message.js';
import type { CallDirection, CallParty, CallSlot, TrunkLeg, TrunkSlot } from '../../../contracts/function-events.js';
import { answerDigestChallenge } from '../trunks/digest-answer.js';
import type { ClientTransaction, InviteServerTransaction } from '../transaction/index.js';
import type { Source } from '../../../contracts/transport.js';
import type { BranchTarget } from './branch-target.js';
import { publishCallEvent, type CallDisposition, type HangupBy } from './call-events.js';
import { cancelFor, CALL_COMPLETED_ELSEWHERE } from './cancel-request.js';
import { forwardedCopy } from './forward-request.js';
import type { ProxyContext } from './proxy-context.js';
import { bestFinalResponse, withoutTopVia } from './response-relay.js';
import { recordRouteUris } from './record-route.js';
import { addRecordRoutes, pushRoute } from './route-set.js';
import { isFailover, resolveLegDestination, TRUNKS_EXHAUSTED } from './trunk-failover.js';
import { toCallerView, trunkLegRequest } from './trunk-leg-request.js';

/** The call as authorize-call described it; absent when this edge only relays for another edge. */
export interface CallPlan {
  tenantId: string;
  callId: string;
  direction: CallDirection;
  caller: CallParty;
  callee: CallParty;
  slots: CallSlot[];
  /** The trunk of an inbound trunk call (outbound: the leg in use). */
  trunkId?: string;
  /** Trunk slots authorize-call took (released on every end). */
  trunkSlots?: TrunkSlot[];
}

/** A branch to a carrier (outbound trunk call). */
interface TrunkBranch {
  leg: TrunkLeg;
  /** The carrier's challenge was answered once (a second one means wrong credentials, §22.2). */
  authAnswered: boolean;
}

interface Branch {
  target: BranchTarget;
  request: SipRequest;
  tx?: ClientTransaction;
  provisional: boolean;
  final?: SipResponse;
  timerC?: NodeJS.Timeout;
  cancelGuard?: NodeJS.Timeout;
  /** CANCEL wanted before any provisional arrived (§9.1: wait for one). */
  pendingCancel?: string | null;
  /** Timer C fired: whatever final comes back, this branch went unanswered. */
  timedOut: boolean;
  trunk?: TrunkBranch;
}

/** After a CANCEL, a branch that never answers is given up after this (64·T1, §16.10 / §9.1). */
const CANCEL_GUARD_MS = 32_000;

/**
 * RFC 3261 §16 stateful proxying of one INVITE: parallel forking to every
 * device (§16.6), relaying provisionals, the first 2xx wins and the other
 * branches are cancelled with "Call completed elsewhere" (RFC 3326), the best
 * final response when nobody answers (§16.7), Timer C (§16.8), CANCEL from
 * the caller (§16.10). For calls this edge owns it also reports the call's
 * life to the bus and releases its call slots when it ends.
 */
export class InviteProxy {
  private readonly branches: Branch[] = [];
  private state: 'proceeding' | 'answered' | 'completed' = 'proceeding';
  private cancelledByCaller = false;
  private finished = false;
  private readonly startTime = new Date();
  private alertTime?: Date;
  private answerTime?: Date;
  private answeredBy?: { contact: string; bindingKey: string };
  readonly callerTag: string;
  /** Outbound trunk call: the legs in failover order, the next one to try, the slots held now. */
  private legs: TrunkLeg[] = [];
  private nextLeg = 0;
  private trunkSlots: TrunkSlot[];
  private trunkId?: string;
  /** Why the last leg failed over (the reason phrase when none is left). */
  private lastTrunkFailure = TRUNKS_EXHAUSTED;

  constructor(
    private readonly ctx: ProxyContext,
    private readonly serverTx: InviteServerTransaction,
    private readonly request: SipRequest,
    private readonly source: Source,
    readonly plan?: CallPlan,
  ) {
    this.callerTag = parseNameAddr(getHeader(request, 'From') ?? '')?.params.tag ?? '';
    this.trunkSlots = [...(plan?.trunkSlots ?? [])];
    this.trunkId = plan?.trunkId;
  }

  get callId(): string {
    return getHeader(this.request, 'Call-ID') ?? '';
  }

  start(targets: BranchTarget[]): void {
    this.register();
    for (const target of targets) this.fork(target);
    if (this.branches.length === 0) this.complete(createResponse(this.request, 480, 'Temporarily Unavailable', { toTag: newTag() }), 'no-answer');
  }

  /**
   * Outbound trunk call: one leg at a time, in failover order. The next leg
   * is tried when a carrier fails before ringing (5xx, 408, no answer,
   * unanswerable challenge) or its trunk is full; when none is left the
   * caller gets 503 (RFC 3261 §21.5.4).
   */
  startTrunkLegs(legs: TrunkLeg[]): void {
    this.legs = legs;
    this.register();
    void this.tryNextLeg();
  }

  private register(): void {
    this.ctx.calls.add(this.serverTx.id, this.callId, this);
    this.serverTx.on('terminated', () => this.ctx.calls.removeTransaction(this.serverTx.id));
    if (this.plan) {
      publishCallEvent(this.ctx, 'call.attempt', {
        tenantId: this.plan.tenantId,
        callId: this.plan.callId,
        direction: this.plan.direction,
        caller: this.plan.caller,
        callee: this.plan.callee,
        startTime: this.startTime.toISOString(),
        edgeId: this.ctx.identity.id,
        bootId: this.ctx.identity.bootId,
        slots: this.plan.slots,
        ...(this.trunkId !== undefined ? { trunkId: this.trunkId } : {}),
      });
    }
  }

  private async tryNextLeg(): Promise<void> {
    while (this.nextLeg < this.legs.length) {
      const leg = this.legs[this.nextLeg++]!;
      if (this.cancelledByCaller) break;
      if (!leg.admitted && !(await this.takeTrunkSlot(leg))) continue;
      this.trunkId = leg.trunkId;
      if (this.cancelledByCaller) break;
      const destination = await resolveLegDestination(leg);
      if (this.cancelledByCaller) break;
      if (!destination) {
        this.ctx.logger.warn({ callId: this.callId, trunkId: leg.trunkId }, 'trunk host does not resolve');
        this.releaseTrunkSlots();
        continue;
      }
      this.fork({ requestUri: leg.requestUri, destination }, { leg, authAnswered: false });
      return;
    }
    if (this.state !== 'proceeding') return;
    if (this.cancelledByCaller) {
      this.releaseTrunkSlots();
      this.complete(createResponse(this.request, 487, 'Request Terminated', { toTag: newTag() }), 'cancelled');
      return;
    }
    this.complete(createResponse(this.request, 503, this.lastTrunkFailure, { toTag: newTag() }), 'failed');
  }

  /** Failover to a leg authorize-call did not admit: its slot is taken now (take-trunk-slot). */
  private async takeTrunkSlot(leg: TrunkLeg): Promise<boolean> {
    try {
      const result = await this.ctx.invoker.invoke('take-trunk-slot', {
        type: 'take-trunk-slot',
        edge: this.ctx.identity,
        callId: this.callId,
        tenantId: leg.tenantId,
        trunkId: leg.trunkId,
      });
      if (!result.ok) return false;
      this.trunkSlots.push(result.slot);
      return true;
    } catch (err) {
      this.ctx.logger.warn({ err, callId: this.callId, trunkId: leg.trunkId }, 'take-trunk-slot failed; trying the next trunk');
      return false;
    }
  }

  /** The failed leg's slot goes back at once: the call holds one trunk slot at a time. */
  private releaseTrunkSlots(): void {
    if (this.trunkSlots.length === 0) return;
    const trunkSlots = this.trunkSlots;
    this.trunkSlots = [];
    releaseSlots(this.ctx, this.callId, [], trunkSlots);
  }

  /** §16.10: the caller's CANCEL cancels every pending branch; the branches' 487s make the final answer. */
  cancelFromCaller(): void {
    if (this.state !== 'proceeding') return;
    this.cancelledByCaller = true;
    for (const branch of this.branches) this.cancelBranch(branch, null);
    // Between two trunk legs no branch is pending: tryNextLeg sees the cancel and answers 487.
  }

  /** An in-dialog BYE passed this edge: the answered call is over (who hung up = who sent it). */
  byeSeen(bye: SipRequest): void {
    if (this.state !== 'answered' || this.finished) return;
    const fromTag = parseNameAddr(getHeader(bye, 'From') ?? '')?.params.tag;
    this.finish(200, 'answered', fromTag === this.callerTag ? 'caller' : 'callee');
  }

  private fork(target: BranchTarget, trunk?: TrunkBranch): void {
    const dest = target.destination;
    let request: SipRequest;
    if (trunk) {
      request = trunkLegRequest(this.ctx, this.request, this.source, this.callerTag, { leg: trunk.leg, destination: dest, cseqOffset: 0 });
    } else {
      request = forwardedCopy(this.request, { requestUri: target.requestUri, viaSentBy: this.ctx.addresses.viaSentBy(dest.protocol) }).request;
      // §16.6 step 4 + RFC 5658: stay in the path of the dialog; two entries when the legs' transports differ.
      addRecordRoutes(request, recordRouteUris(this.ctx, this.source, dest, this.callerTag));
      if (target.route) pushRoute(request, target.route);
    }

    const branch: Branch = { target, request, provisional: false, timedOut: false, ...(trunk ? { trunk } : {}) };
    this.branches.push(branch);
    this.send(branch);
  }

  private send(branch: Branch): void {
    const { request } = branch;
    try {
      branch.tx = this.ctx.transactions.sendRequest(request, branch.target.destination, {
        onResponse: (res) => this.onBranchResponse(branch, res),
        onTimeout: () => this.onBranchFinal(branch, createResponse(request, 408, 'Request Timeout')),
        onTransportError: () => this.onBranchFinal(branch, createResponse(request, 503, 'Service Unavailable')),
      });
    } catch (err) {
      this.ctx.logger.warn({ err, callId: this.callId }, 'branch could not be sent');
      this.onBranchFinal(branch, createResponse(request, 503, 'Service Unavailable'));
      return;
    }
    this.armTimerC(branch);
  }

  /** What the caller gets of a branch's response (a carrier's is put back into the caller's terms). */
  private toCaller(branch: Branch, res: SipResponse): SipResponse {
    return branch.trunk ? toCallerView(res, this.request) : withoutTopVia(res);
  }

  /**
   * A carrier's 401/407 on a trunk leg: the INVITE is sent again with the
   * trunk's credentials and the next CSeq (RFC 3261 §22.2, §8.1.3.5); the
   * caller never sees the challenge (trunk-leg-request.ts).
   */
  private answerChallenge(branch: Branch, res: SipResponse): boolean {
    const trunk = branch.trunk;
    if (!trunk || trunk.authAnswered || !trunk.leg.credentials || this.state !== 'proceeding' || this.cancelledByCaller) return false;
    const credentials = answerDigestChallenge(res, trunk.leg.credentials, { method: 'INVITE', uri: branch.request.uri });
    if (!credentials) return false;
    trunk.authAnswered = true;
    this.clearTimers(branch);
    branch.request = trunkLegRequest(this.ctx, this.request, this.source, this.callerTag, {
      leg: trunk.leg,
      destination: branch.target.destination,
      cseqOffset: 1,
      credentials,
    });
    this.send(branch);
    return true;
  }

  private onBranchResponse(branch: Branch, res: SipResponse): void {
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
        if (!this.alertTime && (res.status === 180 || res.status === 183)) {
          this.alertTime = new Date();
          if (this.plan) publishCallEvent(this.ctx, 'call.alert', { tenantId: this.plan.tenantId, callId: this.plan.callId, time: this.alertTime.toISOString(), status: res.status });
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

  private answered(winner: Branch): void {
    this.state = 'answered';
    this.answerTime = new Date();
    this.answeredBy = { contact: winner.target.requestUri, bindingKey: winner.target.bindingKey ?? winner.target.requestUri };
    for (const branch of this.branches) {
      if (branch !== winner && !branch.final) this.cancelBranch(branch, CALL_COMPLETED_ELSEWHERE);
    }
    if (this.plan) {
      publishCallEvent(this.ctx, 'call.answer', { tenantId: this.plan.tenantId, callId: this.plan.callId, time: this.answerTime.toISOString(), answeredBy: this.answeredBy });
    } else {
      this.ctx.calls.remove(this.callId, this);
    }
  }

  private onBranchFinal(branch: Branch, res: SipResponse): void {
    if (branch.final) return;
    this.clearTimers(branch);
    branch.final = branch.timedOut && res.status === 487 ? createResponse(branch.request, 408, 'Request Timeout') : res;
    if (branch.trunk && this.state === 'proceeding' && !this.cancelledByCaller) {
      const failover = isFailover(branch.final, branch.provisional);
      if (failover) {
        this.lastTrunkFailure = failover;
        this.releaseTrunkSlots();
        void this.tryNextLeg();
        return;
      }
    }
    if (this.state !== 'proceeding' || this.branches.some((b) => !b.final)) return;
    const bestBranch = bestFinalBranch(this.branches);
    const best = bestBranch.final!;
    const disposition: CallDisposition = this.cancelledByCaller
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

  private finish(status: number, disposition: CallDisposition, hangupBy: HangupBy): void {
    if (this.finished) return;
    this.finished = true;
    this.ctx.calls.remove(this.callId, this);
    if (!this.plan) return;
    const plan = this.plan;
    publishCallEvent(this.ctx, 'call.end', {
      tenantId: plan.tenantId,
      callId: plan.callId,
      direction: plan.direction,
      caller: plan.caller,
      callee: plan.callee,
      startTime: this.startTime.toISOString(),
      ...(this.alertTime ? { alertTime: this.alertTime.toISOString() } : {}),
      ...(this.answerTime ? { answerTime: this.answerTime.toISOString() } : {}),
      ...(this.answeredBy ? { answeredBy: this.answeredBy } : {}),
      ...(this.trunkId !== undefined ? { trunkId: this.trunkId } : {}),
      endTime: new Date().toISOString(),
      disposition,
      status,
      hangupBy,
    });
    const trunkSlots = this.trunkSlots;
    this.trunkSlots = [];
    if (plan.slots.length > 0 || trunkSlots.length > 0) releaseSlots(this.ctx, plan.callId, plan.slots, trunkSlots);
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

/** Retry delays of release-call: a slot that is never released would hold a user's limit while this edge lives. */
const RELEASE_RETRY_MS = [500, 2_000, 10_000, 30_000];

/** Every end of a call releases its slots (release is idempotent), retried until it lands. */
function releaseSlots(ctx: ProxyContext, callId: string, slots: CallSlot[], trunkSlots: TrunkSlot[], attempt = 0): void {
  ctx.invoker.invoke('release-call', { type: 'release-call', callId, slots, ...(trunkSlots.length > 0 ? { trunkSlots } : {}) }).catch((err) => {
    const delay = RELEASE_RETRY_MS[attempt];
    if (delay === undefined) {
      ctx.logger.error({ err, callId }, 'release-call failed repeatedly; the slots are freed when this edge restarts');
      return;
    }
    ctx.logger.warn({ err, callId, retryInMs: delay }, 'release-call failed; retrying');
    setTimeout(() => releaseSlots(ctx, callId, slots, trunkSlots, attempt + 1), delay).unref();
  });
}

/** §16.7 step 6 over branches: the branch whose final response is the best (its response may need the caller's terms). */
function bestFinalBranch(branches: Branch[]): Branch {
  const best = bestFinalResponse(branches.map((b) => b.final!))!;
  return branches.find((b) => b.final === best)!;
}
