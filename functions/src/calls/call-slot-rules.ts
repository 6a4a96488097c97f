/**
 * Per-user concurrent-call limits (MSS "max calls" and "max outgoing calls").
 * Pure: the slot item is data, liveness of the edges holding the calls is a
 * predicate.
 *
 * - maxCalls counts incoming and outgoing calls together, maxOutgoingCalls
 *   only outgoing ones; absent = unlimited, 0 = none allowed.
 * - Only a limit needs a slot (issue 14: a call between users without limits
 *   costs no slot request and no release): an outgoing call takes one when
 *   the caller has either limit, an incoming call when the callee has
 *   maxCalls. The trade: a limit set while calls run counts only the calls
 *   started after it (those before it end on their own).
 * - A slot is a lease held by the edge that carries the call: an entry whose
 *   edge is dead (heartbeat expired) or restarted (other bootId) is pruned
 *   when it stands in the way of a take, so calls lost with an edge never
 *   block a user for good.
 * - A call is its callRef (contracts/call-ref.ts), never its Call-ID: a
 *   second INVITE reusing the Call-ID of a call in progress is a call of its
 *   own and needs a slot of its own (issue 12). Taking a slot again for the
 *   same callRef and direction is a no-op: authorize-call invoked again for
 *   the same INVITE (a retried invoke) is the same call.
 */

import { callRefOf } from '../../../contracts/call-ref.js';
import type { CarriedCalls } from '../edges/carried-calls.js';

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

/** The counters of a slot item, kept by the same writes as its entries. */
export interface SlotCounts {
  /** Entries in both directions (checked against maxCalls). */
  calls: number;
  /** Outgoing entries (checked against maxOutgoingCalls). */
  out: number;
}

/** A user's slot item as read (call-slot-item.ts parses it). */
export interface CallSlotItem {
  entries: CallSlotEntry[];
  counts: SlotCounts;
  /** An item an earlier version wrote (one list, optimistic `version`): migrated before the next take. */
  legacy?: { calls: CallSlotEntry[]; version: number };
}

/** Whether the edge (boot) holding an entry still carries its call (calls/slot-holders.ts). */
export type SlotHolderAlive = (entry: CallSlotEntry) => boolean;

/**
 * The holder's latest audit (edges/carried-calls.ts) shows that it no longer
 * carried the entry's call: the audit is of the entry's boot, came more than
 * its grace after the take (so the call had reached the edge if it ever
 * would), and did not name the call. A call ends once, so the entry is a
 * release that never landed.
 */
export function releaseNeverLanded(entry: CallSlotEntry, audit: Omit<CarriedCalls, 'edgeId'> | undefined): boolean {
  if (!audit || audit.bootId !== entry.bootId) return false;
  if (entry.since > audit.at - audit.graceMs) return false;
  return !audit.callRefs.has(callRefOf(entry));
}

/** Whether a call in this direction is counted against any of the user's limits. */
export function needsSlot(direction: SlotDirection, limits: CallLimits): boolean {
  return limits.maxCalls !== undefined || (direction === 'out' && limits.maxOutgoingCalls !== undefined);
}

export function countsOf(entries: readonly Pick<CallSlotEntry, 'direction'>[]): SlotCounts {
  return { calls: entries.length, out: entries.filter((e) => e.direction === 'out').length };
}

/** The limit that blocks one more call in this direction at these counts, if any. */
export function limitReached(counts: SlotCounts, direction: SlotDirection, limits: CallLimits): SlotLimit | undefined {
  if (direction === 'out' && limits.maxOutgoingCalls !== undefined && counts.out >= limits.maxOutgoingCalls) return 'maxOutgoingCalls';
  if (limits.maxCalls !== undefined && counts.calls >= limits.maxCalls) return 'maxCalls';
  return undefined;
}

/** The limit that blocks one more call in this direction, if any. */
export function blockingLimit(calls: readonly CallSlotEntry[], direction: SlotDirection, limits: CallLimits): SlotLimit | undefined {
  return limitReached(countsOf(calls), direction, limits);
}

const sameSlot = (a: CallSlotEntry, b: Pick<CallSlotEntry, 'callId' | 'callRef' | 'direction'>): boolean =>
  callRefOf(a) === callRefOf(b) && a.direction === b.direction;

/** Entries of live holders only. */
export function pruneDeadSlots(current: readonly CallSlotEntry[], isHolderAlive: SlotHolderAlive): CallSlotEntry[] {
  return current.filter((e) => isHolderAlive(e));
}

/** Entries whose holder is dead or restarted, or no longer carries the call: what a take may prune. */
export function deadSlots(current: readonly CallSlotEntry[], isHolderAlive: SlotHolderAlive): CallSlotEntry[] {
  return current.filter((e) => !isHolderAlive(e));
}

/**
 * Why the conditional write of a take was refused, from the item read just
 * after it — what to do next:
 * - 'legacy': migrate the item an earlier version wrote, then take again;
 * - 'held': this callRef holds the slot already (a retried invoke): taken;
 * - 'raced': the counters are below the limits now (a release got in
 *   between): take again;
 * - 'full': the user is at that limit — unless dead holders (deadSlots)
 *   fill it: prune them and take again.
 */
export type RefusedTake = { kind: 'legacy' } | { kind: 'held' } | { kind: 'raced' } | { kind: 'full'; limit: SlotLimit };

export function explainRefusedTake(item: CallSlotItem, entry: CallSlotEntry, limits: CallLimits): RefusedTake {
  if (item.legacy) return { kind: 'legacy' };
  if (item.entries.some((e) => sameSlot(e, entry))) return { kind: 'held' };
  // The write's condition is on the counters, so they decide here too.
  const limit = limitReached(item.counts, entry.direction, limits);
  return limit ? { kind: 'full', limit } : { kind: 'raced' };
}

export interface ReleaseSlotResult {
  calls: CallSlotEntry[];
  /** Entries of this call removed (0 when released before: release is idempotent). */
  released: number;
  changed: boolean;
}

/** Removes every entry of the call from a list (both directions: a user may call itself); optionally prunes dead holders too. */
export function releaseSlot(current: readonly CallSlotEntry[], callRef: string, isHolderAlive?: SlotHolderAlive): ReleaseSlotResult {
  const others = current.filter((e) => callRefOf(e) !== callRef);
  const calls = isHolderAlive ? pruneDeadSlots(others, isHolderAlive) : others;
  return { calls, released: current.length - others.length, changed: calls.length !== current.length };
}
