/**
 * The call-limits step of a call between users (MSS per-user limits): the
 * caller takes an outgoing slot, then the callee an incoming one; if the
 * callee refuses, the caller's slot is given back, so a refused call holds
 * nothing. Only a user with a limit that counts the call takes a slot
 * (call-slot-rules.ts needsSlot): a call between users without limits
 * writes nothing and needs no release-call (issue 14); a limit set later
 * counts the calls started after it.
 */
import type { CallSlot, EdgeIdentity, SipReply } from '../../../contracts/function-events.js';
import type { UserAccount } from '../directory/user-account.js';
import type { CallSlotStore } from './call-slot-repository.js';
import { needsSlot, type CallLimits, type SlotDirection, type SlotHolderAlive } from './call-slot-rules.js';
import { CallSlotConflictError, releaseCallSlot, takeCallSlot } from './call-slots.js';
import { limitReply } from './limit-replies.js';

export interface CallLimitsInput {
  /** The SIP Call-ID (kept on the entries for admins). */
  callId: string;
  /** The key of the call's slot entries (contracts/call-ref.ts). */
  callRef: string;
  /** Absent for a call coming in from a trunk (nobody of this PBX calls). */
  caller?: UserAccount;
  /** Absent for a call going out through a trunk (nobody of this PBX is called). */
  callee?: UserAccount;
  /** The edge carrying the call: the slots' lease. */
  edge: EdgeIdentity;
  /** Epoch ms. */
  now: number;
  /** Liveness of the edges holding other slots, loaded only when a user already has calls. */
  loadHolderLiveness: () => Promise<SlotHolderAlive>;
}

export type CallLimitsResult = { ok: true; slots: CallSlot[] } | { ok: false; reply: SipReply };

/** RFC 3261 §21.5.1 with Retry-After: the slots (call or trunk) could not be committed, try again shortly. */
export const SLOTS_BUSY_REPLY: SipReply = { status: 500, reason: 'Server Internal Error', headers: [{ name: 'Retry-After', value: '1' }] };

export function limitsOf(user: Pick<UserAccount, 'maxCalls' | 'maxOutgoingCalls'>): CallLimits {
  return {
    ...(user.maxCalls !== undefined ? { maxCalls: user.maxCalls } : {}),
    ...(user.maxOutgoingCalls !== undefined ? { maxOutgoingCalls: user.maxOutgoingCalls } : {}),
  };
}

/** Gives back slots taken by takeCallLimits (a call refused later, e.g. every trunk full). */
export async function releaseCallLimits(store: CallSlotStore, slots: readonly CallSlot[], callRef: string): Promise<void> {
  for (const slot of slots) await releaseCallSlot(store, slot, callRef, slot.direction);
}

export async function takeCallLimits(store: CallSlotStore, input: CallLimitsInput): Promise<CallLimitsResult> {
  const { callId, callRef, caller, callee, edge, now } = input;
  const taken: CallSlot[] = [];

  /** undefined when the slot is taken (or none is needed), else the refusal. */
  const take = async (user: UserAccount, direction: SlotDirection): Promise<SipReply | undefined> => {
    const limits = limitsOf(user);
    if (!needsSlot(direction, limits)) return undefined;
    const entry = { callId, callRef, direction, edgeId: edge.id, bootId: edge.bootId, since: now };
    const result = await takeCallSlot(store, { tenantId: user.tenantId, ext: user.ext }, entry, limits, input.loadHolderLiveness);
    if (!result.ok) return limitReply(direction, result.limit, limits[result.limit]);
    taken.push({ tenantId: user.tenantId, ext: user.ext, direction });
    return undefined;
  };
  const giveBack = (): Promise<void> => releaseCallLimits(store, taken, callRef);

  try {
    if (caller) {
      const callerRefused = await take(caller, 'out');
      if (callerRefused) return { ok: false, reply: callerRefused };
    }
    if (callee) {
      const calleeRefused = await take(callee, 'in');
      if (calleeRefused) {
        await giveBack();
        return { ok: false, reply: calleeRefused };
      }
    }
    return { ok: true, slots: taken };
  } catch (err) {
    if (!(err instanceof CallSlotConflictError)) throw err;
    await giveBack();
    return { ok: false, reply: SLOTS_BUSY_REPLY };
  }
}
