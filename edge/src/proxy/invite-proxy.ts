import { createResponse, getHeader, newTag, parseNameAddr } from '../../../sip/index.js';
import type { SipRequest, SipResponse } from '../../../sip/message.js';
import type { CallDirection, CallParty, CallSlot } from '../../../functions/src/contracts.js';
import type { ClientTransaction, InviteServerTransaction } from '../transaction/index.js';
import type { Source } from '../transport/types.js';
import type { BranchTarget } from './branch-target.js';
import { publishCallEvent, type CallDisposition, type HangupBy } from './call-events.js';
import { cancelFor, CALL_COMPLETED_ELSEWHERE } from './cancel-request.js';
import { forwardedCopy } from './forward-request.js';
import type { ProxyContext } from './proxy-context.js';
import { bestFinalResponse, withoutTopVia } from './response-relay.js';
import { recordRouteUris } from './record-route.js';
import { addRecordRoutes, pushRoute } from './route-set.js';

/** The call as authorize-call described it; absent when this edge only relays for another edge. */
export interface CallPlan {
  tenantId: string;
  callId: string;
  direction: CallDirection;
  caller: CallParty;
  callee: CallParty;
  slots: CallSlot[];
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

  constructor(
    private readonly ctx: ProxyContext,
    private readonly serverTx: InviteServerTransaction,
    private readonly request: SipRequest,
    private readonly source: Source,
    readonly plan?: CallPlan,
  ) {
    this.callerTag = parseNameAddr(getHeader(request, 'From') ?? '')?.params.tag ?? '';
  }

  get callId(): string {
    return getHeader(this.request, 'Call-ID') ?? '';
  }

  start(targets: BranchTarget[]): void {
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
      });
    }
    for (const target of targets) this.fork(target);
    if (this.branches.length === 0) this.complete(createResponse(this.request, 480, 'Temporarily Unavailable', { toTag: newTag() }), 'no-answer');
  }

  /** §16.10: the caller's CANCEL cancels every pending branch; the branches' 487s make the final answer. */
  cancelFromCaller(): void {
    if (this.state !== 'proceeding') return;
    this.cancelledByCaller = true;
    for (const branch of this.branches) this.cancelBranch(branch, null);
  }

  /** An in-dialog BYE passed this edge: the answered call is over (who hung up = who sent it). */
  byeSeen(bye: SipRequest): void {
    if (this.state !== 'answered' || this.finished) return;
    const fromTag = parseNameAddr(getHeader(bye, 'From') ?? '')?.params.tag;
    this.finish(200, 'answered', fromTag === this.callerTag ? 'caller' : 'callee');
  }

  private fork(target: BranchTarget): void {
    const dest = target.destination;
    const { request } = forwardedCopy(this.request, { requestUri: target.requestUri, viaSentBy: this.ctx.addresses.viaSentBy(dest.protocol) });
    // §16.6 step 4 + RFC 5658: stay in the path of the dialog; two entries when the legs' transports differ.
    addRecordRoutes(request, recordRouteUris(this.ctx, this.source, dest, this.callerTag));
    if (target.route) pushRoute(request, target.route);

    const branch: Branch = { target, request, provisional: false, timedOut: false };
    this.branches.push(branch);
    try {
      branch.tx = this.ctx.transactions.sendRequest(request, dest, {
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

  private onBranchResponse(branch: Branch, res: SipResponse): void {
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
        this.serverTx.respond(withoutTopVia(res));
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
      this.serverTx.respond(withoutTopVia(res));
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
    if (this.state !== 'proceeding' || this.branches.some((b) => !b.final)) return;
    const best = bestFinalResponse(this.branches.map((b) => b.final!))!;
    const disposition: CallDisposition = this.cancelledByCaller
      ? 'cancelled'
      : this.branches.every((b) => b.timedOut) || best.status === 408 || best.status === 480
        ? 'no-answer'
        : [486, 600, 603].includes(best.status)
          ? 'busy'
          : 'failed';
    this.complete(withoutTopVia(best), disposition);
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
      endTime: new Date().toISOString(),
      disposition,
      status,
      hangupBy,
    });
    if (plan.slots.length > 0) releaseSlots(this.ctx, plan);
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
function releaseSlots(ctx: ProxyContext, plan: CallPlan, attempt = 0): void {
  ctx.invoker.invoke('release-call', { type: 'release-call', callId: plan.callId, slots: plan.slots }).catch((err) => {
    const delay = RELEASE_RETRY_MS[attempt];
    if (delay === undefined) {
      ctx.logger.error({ err, callId: plan.callId }, 'release-call failed repeatedly; the slots are freed when this edge restarts');
      return;
    }
    ctx.logger.warn({ err, callId: plan.callId, retryInMs: delay }, 'release-call failed; retrying');
    setTimeout(() => releaseSlots(ctx, plan, attempt + 1), delay).unref();
  });
}
