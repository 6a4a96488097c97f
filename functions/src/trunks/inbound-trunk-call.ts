/**
 * A call from a carrier on one of the tenant's trunks (trunks/inbound-trunk.ts
 * recognised it), read like the call flow:
 *
 *   DID → extension (404) → callee's devices (480) and, at the same time,
 *   trunk admission, "in" (486; 403 when the direction is disabled) →
 *   callee's incoming call limit (486) → route
 *
 * No digest challenge: the carrier is trusted by its address (IP trunk) or by
 * the registration this PBX keeps with it. Every slot taken is given back
 * when a later step refuses the call, so a refused call holds nothing.
 */
import type { AuthorizeCallEvent, AuthorizeCallResult, CallParty, CallSlot, SipReply, TrunkSlot } from '../../../contracts/function-events.js';
import { SLOTS_BUSY_REPLY, takeCallLimits } from '../calls/call-limits.js';
import { releaseTrunkSlot, takeTrunkSlot } from './trunk-admission.js';
import type { InboundTrunkCall } from './inbound-trunk.js';
import { TrunkUsageConflictError } from './trunk-usage-repository.js';
import { callNames, type CallRequest } from '../calls/call-request.js';
import type { AuthorizeCallDeps } from '../calls/authorize-call-deps.js';
import { liveTargets } from '../calls/live-targets.js';
import { loadSlotHolderCheck } from '../calls/slot-holders.js';

const reply = (status: number, reason: string): SipReply => ({ status, reason, headers: [] });

export async function authorizeInboundTrunkCall(
  event: AuthorizeCallEvent,
  req: CallRequest,
  inbound: InboundTrunkCall,
  deps: AuthorizeCallDeps,
  now: number,
): Promise<AuthorizeCallResult> {
  const { trunk, calledNumber } = inbound;
  const isCall = req.method === 'INVITE';
  const caller: CallParty = { ext: req.callerUser ?? 'anonymous', ...(req.callerDisplayName ? { displayName: req.callerDisplayName } : {}) };
  const base = { tenantId: trunk.tenantId, ...callNames(req), direction: 'inbound' as const, caller, trunkId: trunk.id };
  const refuse = (r: SipReply, callee: CallParty, disposition: 'failed' | 'rejected'): AuthorizeCallResult =>
    isCall ? { decision: 'reply', reply: r, rejectedCall: { call: { ...base, callee }, disposition } } : { decision: 'reply', reply: r };

  // DID → extension: a number the trunk does not map is not ours (RFC 3261 §21.4.5).
  const ext = Object.hasOwn(trunk.dids, calledNumber) ? trunk.dids[calledNumber] : undefined;
  const user = ext === undefined ? undefined : await deps.directory.getUser(trunk.tenantId, ext);
  if (!user) return refuse(reply(404, 'Not Found'), { ext: calledNumber }, 'failed');
  const callee: CallParty = { ext: user.ext, ...(user.displayName !== undefined ? { displayName: user.displayName } : {}) };

  // The callee's devices are read and the trunk slot taken at once: one store round trip less in every inbound
  // call's set-up (issue 14: added latency). "No device" still wins over "trunk full", and gives the slot back.
  // allSettled: neither outcome is lost (a slot taken beside a failed read is given back).
  const [located, taken] = await Promise.allSettled([
    liveTargets(deps, event.edge, { tenantId: trunk.tenantId, ext: user.ext }, now),
    isCall && deps.trunkUsage ? takeTrunkSlot(deps.trunkUsage, trunk, 'in', req.callRef, event.edge, now) : undefined,
  ]);
  const giveBack = async () => {
    if (taken.status === 'fulfilled' && taken.value?.ok) await releaseTrunkSlot(deps.trunkUsage!, trunk, req.callRef, 'in');
  };
  if (located.status === 'rejected') {
    await giveBack();
    throw located.reason;
  }
  const { targets, liveness } = located.value;
  if (targets.length === 0) {
    await giveBack();
    return refuse(reply(480, 'Temporarily Unavailable'), callee, 'failed');
  }

  let slots: CallSlot[] = [];
  let trunkSlots: TrunkSlot[] = [];
  if (isCall && deps.trunkUsage) {
    if (taken.status === 'rejected') {
      if (taken.reason instanceof TrunkUsageConflictError) return refuse(SLOTS_BUSY_REPLY, callee, 'rejected');
      throw taken.reason;
    }
    const admission = taken.value!;
    if (!admission.ok) {
      // MSS: 0 = the direction is disabled (403); over the limit = busy, so the carrier may route elsewhere (486).
      const disabled = trunk.maxIncomingCalls === 0 || trunk.maxTotalCalls === 0;
      return refuse(disabled ? reply(403, 'Incoming trunk calls not allowed') : reply(486, 'Busy Here'), callee, 'rejected');
    }
    trunkSlots = [{ tenantId: trunk.tenantId, trunkId: trunk.id, direction: 'in' }];
    const limits = await takeCallLimits(deps.slots, {
      callId: req.callId,
      callRef: req.callRef,
      callee: user,
      edge: event.edge,
      now,
      loadHolderLiveness: () => loadSlotHolderCheck(liveness, deps.carriedCalls),
    });
    if (!limits.ok) {
      await giveBack();
      return refuse(limits.reply, callee, 'rejected');
    }
    slots = limits.slots;
  }

  return { decision: 'route', call: { ...base, callee, slots, trunkSlots }, targets };
}
