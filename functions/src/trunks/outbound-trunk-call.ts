/**
 * A user's call to a number the dial plan sends out through trunks
 * (dial-plan.ts resolveTrunkRoutes gave the trunks in failover order):
 *
 *   caller's outgoing call limit (403) →
 *   trunk admission, "out", first trunk with room (503 "All trunks busy";
 *   403 when every trunk has the direction disabled) → route with legs
 *
 * The legs after the admitted one are not admitted yet: the edge takes their
 * slot (take-trunk-slot) only when it fails over to them, so a call holds
 * one trunk slot at a time. Only INVITEs go out through trunks.
 */
import type { AuthorizeCallEvent, AuthorizeCallResult, CallParty, SipReply, TrunkLeg } from '../../../contracts/function-events.js';
import { releaseCallLimits, SLOTS_BUSY_REPLY, takeCallLimits } from '../calls/call-limits.js';
import { EdgeLiveness } from '../calls/edge-liveness.js';
import { loadSlotHolderCheck } from '../calls/slot-holders.js';
import type { UserAccount } from '../directory/user-account.js';
import type { TrunkChoice } from '../calls/dial-plan.js';
import { TrunkUsageConflictError } from './trunk-usage-repository.js';
import { takeTrunkSlot, trunkLimitReply, type TrunkAdmission } from './trunk-admission.js';
import { buildTrunkLeg } from './trunk-leg.js';
import type { Trunk } from '../../../contracts/trunk.js';
import type { AuthorizeCallDeps } from '../calls/authorize-call-deps.js';
import { callNames, type CallRequest } from '../calls/call-request.js';

export interface OutboundTrunkCall {
  caller: UserAccount;
  callerParty: CallParty;
  choices: readonly TrunkChoice[];
  trunks: readonly Trunk[];
}

export async function authorizeOutboundTrunkCall(
  event: AuthorizeCallEvent,
  req: CallRequest,
  call: OutboundTrunkCall,
  deps: AuthorizeCallDeps,
  now: number,
): Promise<AuthorizeCallResult> {
  const { caller, callerParty } = call;
  const callee: CallParty = { ext: req.number };
  const base = { tenantId: caller.tenantId, ...callNames(req), direction: 'outbound' as const, caller: callerParty, callee };
  if (req.method !== 'INVITE') return { decision: 'reply', reply: { status: 404, reason: 'Not Found', headers: [] } };
  const refuse = (r: SipReply, trunkId?: string): AuthorizeCallResult => ({
    decision: 'reply',
    reply: r,
    rejectedCall: { call: { ...base, ...(trunkId !== undefined ? { trunkId } : {}) }, disposition: 'rejected' },
  });

  const byId = new Map(call.trunks.map((t) => [t.id, t]));
  const choices = call.choices.filter((c) => byId.has(c.trunkId));
  const limits = await takeCallLimits(deps.slots, {
    callId: req.callId,
    callRef: req.callRef,
    caller,
    edge: event.edge,
    now,
    loadHolderLiveness: () => loadSlotHolderCheck(async () => new EdgeLiveness(await deps.edges.listEdges(now), now, event.edge), deps.carriedCalls),
  });
  if (!limits.ok) return refuse(limits.reply);

  const refused: Extract<TrunkAdmission, { ok: false }>[] = [];
  for (const [index, choice] of choices.entries()) {
    const trunk = byId.get(choice.trunkId)!;
    let admission: TrunkAdmission;
    try {
      admission = deps.trunkUsage
        ? await takeTrunkSlot(deps.trunkUsage, trunk, 'out', req.callRef, event.edge, now)
        : { ok: true, tenantId: trunk.tenantId, trunkId: trunk.id, direction: 'out', alreadyHeld: false };
    } catch (err) {
      if (!(err instanceof TrunkUsageConflictError)) throw err;
      await releaseCallLimits(deps.slots, limits.slots, req.callRef);
      return refuse(SLOTS_BUSY_REPLY, trunk.id);
    }
    if (!admission.ok) {
      refused.push(admission);
      continue;
    }
    const legs: TrunkLeg[] = [
      buildTrunkLeg(trunk, choice, callerParty, true),
      ...choices.slice(index + 1).map((c) => buildTrunkLeg(byId.get(c.trunkId)!, c, callerParty, false)),
    ];
    return {
      decision: 'route',
      call: {
        ...base,
        slots: limits.slots,
        trunkId: trunk.id,
        trunkSlots: deps.trunkUsage ? [{ tenantId: trunk.tenantId, trunkId: trunk.id, direction: 'out' }] : [],
      },
      targets: [],
      trunkLegs: legs,
    };
  }
  await releaseCallLimits(deps.slots, limits.slots, req.callRef);
  const refusedTrunks = refused.map((r) => byId.get(r.trunkId)!);
  return refuse(trunkLimitReply('out', refusedTrunks));
}
