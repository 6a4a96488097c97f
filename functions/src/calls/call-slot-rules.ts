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
 * - Taking a slot again for the same call and direction is a no-op: an INVITE
 *   retransmitted with a new branch, or sent again with credentials after a
 *   407, is the same call.
 */

export type SlotDirection = 'in' | 'out';

export interface CallSlotEntry {
  callId: string;
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

const sameSlot = (a: CallSlotEntry, b: Pick<CallSlotEntry, 'callId' | 'direction'>): boolean =>
  a.callId === b.callId && a.direction === b.direction;

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
export function releaseSlot(current: readonly CallSlotEntry[], callId: string, isHolderAlive?: SlotHolderAlive): ReleaseSlotResult {
  const others = current.filter((e) => e.callId !== callId);
  const calls = isHolderAlive ? pruneDeadSlots(others, isHolderAlive) : others;
  return { calls, released: current.length - others.length, changed: calls.length !== current.length };
}
