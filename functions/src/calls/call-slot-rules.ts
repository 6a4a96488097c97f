/**
 * Per-user concurrent-call limits (MSS "max calls" and "max outgoing calls").
 * Pure: the slot list is data, liveness of the edges holding the calls is a
 * predicate.
 *
 * - maxCalls counts incoming and outgoing calls together, maxOutgoingCalls
 *   only outgoing ones; absent = unlimited, 0 = none allowed.
 * - A slot is a lease held by the edge that carries the call: an entry whose
 *   edge is dead (heartbeat expired) or restarted (other bootId) is pruned
 *   whenever the list is rewritten, so calls lost with an edge never block a
 *   user for good.
 * - A call is its callRef (contracts/call-ref.ts), never its Call-ID: a
 *   second INVITE reusing the Call-ID of a call in progress is a call of its
 *   own and needs a slot of its own (issue 12). Taking a slot again for the
 *   same callRef and direction is a no-op: authorize-call invoked again for
 *   the same INVITE (a retried invoke) is the same call.
 */

import { callRefOf } from '../../../contracts/call-ref.js';

export type SlotDirection = 'in' | 'out';

export interface CallSlotEntry {
  /** The SIP Call-ID. */
  callId: string;
  /** The call's key; absent in entries an earlier version stored (their key is the Call-ID). */
  callRef?: string;
  direction: SlotDirection;
  /** The edge carrying the call, and its boot: the slot's lease. */
  edgeId: string;
  bootId: string;
  /** Epoch ms the slot was taken. */
  since: number;
}

export interface CallLimits {
  /** Calls in + out at once; undefined = unlimited. */
  maxCalls?: number;
  /** Outgoing calls at once; undefined = unlimited. */
  maxOutgoingCalls?: number;
}

export type SlotLimit = 'maxCalls' | 'maxOutgoingCalls';

/** Whether the edge (boot) holding an entry still carries its call. */
export type SlotHolderAlive = (entry: Pick<CallSlotEntry, 'edgeId' | 'bootId'>) => boolean;

export interface TakeSlotInput {
  current: readonly CallSlotEntry[];
  entry: CallSlotEntry;
  limits: CallLimits;
  isHolderAlive: SlotHolderAlive;
}

export type TakeSlotResult =
  /** `changed` false: the list is as stored (the slot was already held, nothing pruned). */
  | { ok: true; calls: CallSlotEntry[]; changed: boolean }
  | { ok: false; limit: SlotLimit; calls: CallSlotEntry[] };

const sameSlot = (a: CallSlotEntry, b: Pick<CallSlotEntry, 'callId' | 'callRef' | 'direction'>): boolean =>
  callRefOf(a) === callRefOf(b) && a.direction === b.direction;

/** Entries of live holders only. */
export function pruneDeadSlots(current: readonly CallSlotEntry[], isHolderAlive: SlotHolderAlive): CallSlotEntry[] {
  return current.filter((e) => isHolderAlive(e));
}

/** The limit that blocks one more call in this direction, if any. */
export function blockingLimit(calls: readonly CallSlotEntry[], direction: SlotDirection, limits: CallLimits): SlotLimit | undefined {
  if (direction === 'out' && limits.maxOutgoingCalls !== undefined) {
    const outgoing = calls.filter((e) => e.direction === 'out').length;
    if (outgoing >= limits.maxOutgoingCalls) return 'maxOutgoingCalls';
  }
  if (limits.maxCalls !== undefined && calls.length >= limits.maxCalls) return 'maxCalls';
  return undefined;
}

export function takeSlot(input: TakeSlotInput): TakeSlotResult {
  const live = pruneDeadSlots(input.current, input.isHolderAlive);
  const pruned = live.length !== input.current.length;
  if (live.some((e) => sameSlot(e, input.entry))) return { ok: true, calls: live, changed: pruned };
  const limit = blockingLimit(live, input.entry.direction, input.limits);
  if (limit) return { ok: false, limit, calls: live };
  return { ok: true, calls: [...live, input.entry], changed: true };
}

export interface ReleaseSlotResult {
  calls: CallSlotEntry[];
  /** Entries of this call removed (0 when released before: release is idempotent). */
  released: number;
  changed: boolean;
}

/** Removes every entry of the call (both directions: a user may call itself); optionally prunes dead holders too. */
export function releaseSlot(current: readonly CallSlotEntry[], callRef: string, isHolderAlive?: SlotHolderAlive): ReleaseSlotResult {
  const others = current.filter((e) => callRefOf(e) !== callRef);
  const calls = isHolderAlive ? pruneDeadSlots(others, isHolderAlive) : others;
  return { calls, released: current.length - others.length, changed: calls.length !== current.length };
}
