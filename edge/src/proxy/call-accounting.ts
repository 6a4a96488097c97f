/**
 * What a call means to the PBX beyond SIP: its life reported to the bus as
 * the typed call events the `cdr` function turns into one CDR
 * (contracts/bus/call-events.ts), and its call and trunk slots released on
 * every end (release-call, together with other ends of the same moment:
 * release-batcher.ts). One per call this edge owns; an edge that only
 * relays a call for another edge has none.
 */
import type { AnsweredBy, CallDisposition, HangupBy } from '../../../contracts/bus/call-events.js';
import type { CallDirection, CallParty, CallSlot, TrunkLeg, TrunkSlot } from '../../../contracts/function-events.js';
import { publishCallEvent } from './call-events.js';
import type { CallObserver } from './forking-proxy.js';
import type { ProxyContext } from './proxy-context.js';

/** The call as authorize-call described it. */
export interface CallPlan {
  tenantId: string;
  callId: string;
  /** The key of its slots and CDR (contracts/call-ref.ts), carried by every event and release. */
  callRef: string;
  fromTag?: string;
  direction: CallDirection;
  caller: CallParty;
  callee: CallParty;
  slots: CallSlot[];
  /** The trunk of an inbound trunk call (outbound: the leg in use). */
  trunkId?: string;
  /** Trunk slots authorize-call took (released on every end). */
  trunkSlots?: TrunkSlot[];
}

type AccountingContext = Pick<ProxyContext, 'identity' | 'invoker' | 'releases' | 'slotAudit' | 'bus' | 'logger'>;

export class CallAccounting implements CallObserver {
  private readonly startTime = new Date();
  private alertTime?: Date;
  private answerTime?: Date;
  private answeredBy?: AnsweredBy;
  /** Trunk slots held now: an outbound call holds one trunk's slot at a time. */
  private trunkSlots: TrunkSlot[];
  private trunkId?: string;

  constructor(
    private readonly ctx: AccountingContext,
    private readonly plan: CallPlan,
  ) {
    this.trunkSlots = [...(plan.trunkSlots ?? [])];
    this.trunkId = plan.trunkId;
    if (this.trunkSlots.length > 0) ctx.slotAudit.hold('trunk', plan.callRef);
    if (plan.slots.length > 0) ctx.slotAudit.hold('call', plan.callRef);
    publishCallEvent(ctx, 'call.attempt', {
      ...this.names,
      direction: plan.direction,
      caller: plan.caller,
      callee: plan.callee,
      startTime: this.startTime.toISOString(),
      edgeId: ctx.identity.id,
      bootId: ctx.identity.bootId,
      slots: plan.slots,
      ...(this.trunkId !== undefined ? { trunkId: this.trunkId } : {}),
    });
  }

  alerted(status: 180 | 183): void {
    this.alertTime = new Date();
    publishCallEvent(this.ctx, 'call.alert', { ...this.key, time: this.alertTime.toISOString(), status });
  }

  answered(by: AnsweredBy): void {
    this.answerTime = new Date();
    this.answeredBy = by;
    publishCallEvent(this.ctx, 'call.answer', { ...this.key, time: this.answerTime.toISOString(), answeredBy: by });
  }

  ended(status: number, disposition: CallDisposition, hangupBy: HangupBy, reason?: string): void {
    const { plan } = this;
    publishCallEvent(this.ctx, 'call.end', {
      ...this.names,
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
      ...(reason !== undefined ? { reason } : {}),
    });
    const trunkSlots = this.trunkSlots;
    this.trunkSlots = [];
    if (plan.slots.length > 0 || trunkSlots.length > 0) this.release(plan.slots, trunkSlots);
  }

  /** What every call event and release names the call by: the CDR's key is the callRef. */
  private get key(): { tenantId: string; callId: string; callRef: string } {
    return { tenantId: this.plan.tenantId, callId: this.plan.callId, callRef: this.plan.callRef };
  }

  /** The key and the caller's From tag (attempt and end describe the whole call). */
  private get names(): { tenantId: string; callId: string; callRef: string; fromTag?: string } {
    return { ...this.key, ...(this.plan.fromTag !== undefined ? { fromTag: this.plan.fromTag } : {}) };
  }

  /** The outbound leg now in use: the CDR's trunk (after a failover, not the first one tried). */
  usingTrunk(trunkId: string): void {
    this.trunkId = trunkId;
  }

  /** Failover to a leg authorize-call did not admit: its slot is taken now (take-trunk-slot). */
  async takeTrunkSlot(leg: TrunkLeg): Promise<boolean> {
    try {
      const result = await this.ctx.invoker.invoke('take-trunk-slot', {
        type: 'take-trunk-slot',
        edge: this.ctx.identity,
        callId: this.plan.callId,
        callRef: this.plan.callRef,
        tenantId: leg.tenantId,
        trunkId: leg.trunkId,
      });
      if (!result.ok) return false;
      this.trunkSlots.push(result.slot);
      this.ctx.slotAudit.hold('trunk', this.plan.callRef);
      return true;
    } catch (err) {
      this.ctx.logger.warn({ err, callId: this.plan.callId, trunkId: leg.trunkId }, 'take-trunk-slot failed; trying the next trunk');
      return false;
    }
  }

  /** The failed leg's slot goes back at once: the call holds one trunk slot at a time. */
  releaseTrunkSlots(): void {
    if (this.trunkSlots.length === 0) return;
    const trunkSlots = this.trunkSlots;
    this.trunkSlots = [];
    this.release([], trunkSlots);
  }

  private release(slots: CallSlot[], trunkSlots: TrunkSlot[]): void {
    const { callId, callRef } = this.plan;
    if (trunkSlots.length > 0) this.ctx.slotAudit.gaveBack('trunk', callRef);
    if (slots.length > 0) this.ctx.slotAudit.gaveBack('call', callRef);
    this.ctx.releases.release({ callId, callRef, slots, ...(trunkSlots.length > 0 ? { trunkSlots } : {}) });
  }
}
