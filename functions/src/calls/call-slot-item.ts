/**
 * The stored shape of a user's slot item, apart from the I/O
 * (call-slot-repository.ts). Pure.
 *
 * | Item       | pk                | sk          | attributes |
 * |------------|-------------------|-------------|------------|
 * | call slots | TENANT#<tenantId> | CALLS#<ext> | callCount, outCount, and one attribute per call held: `in#<callRef>` / `out#<callRef>` = { callId, callRef, direction, edgeId, bootId, since } |
 *
 * Each entry is a top-level attribute, not a member of a map: a SET of
 * `map.#key` fails while the map (or the item) does not exist, which would
 * cost the first call of a user a second write; a top-level SET creates the
 * item. The direction is in the name, so a release that knows it is one
 * conditional REMOVE that also knows which counters to decrement. The item
 * stays small: entries are only taken under a limit, and the counters (so
 * the entries) never pass it.
 *
 * An earlier version stored `calls` (a list of entries) and `version`
 * (optimistic concurrency); such an item is migrated by the first take or
 * release that reads it (legacyMigration).
 */
import { callRefOf } from '../../../contracts/call-ref.js';
import type { CallSlotEntry, CallSlotItem, SlotCounts, SlotDirection } from './call-slot-rules.js';

export const CALL_COUNT = 'callCount';
export const OUT_COUNT = 'outCount';
/** The attributes of an item an earlier version wrote. */
export const LEGACY_CALLS = 'calls';
export const LEGACY_VERSION = 'version';

const ENTRY_NAME = /^(in|out)#(.+)$/s;

/** The attribute holding the call's entry in that direction. */
export function slotAttribute(direction: SlotDirection, callRef: string): string {
  return `${direction}#${callRef}`;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

function isEntry(v: unknown): v is CallSlotEntry {
  if (!v || typeof v !== 'object') return false;
  const e = v as Record<string, unknown>;
  return typeof e.callId === 'string' && typeof e.edgeId === 'string' && typeof e.bootId === 'string' && (e.direction === 'in' || e.direction === 'out');
}

export function parseSlotItem(item: Record<string, unknown> | undefined): CallSlotItem {
  if (!item) return { entries: [], counts: { calls: 0, out: 0 } };
  const entries: CallSlotEntry[] = [];
  for (const [name, value] of Object.entries(item)) {
    const m = ENTRY_NAME.exec(name);
    if (!m || !isEntry(value)) continue;
    // The name is the truth: it is what takes and releases address.
    entries.push({ ...value, direction: m[1] as SlotDirection, callRef: m[2] });
  }
  const counts: SlotCounts = { calls: num(item[CALL_COUNT]), out: num(item[OUT_COUNT]) };
  const legacyCalls = item[LEGACY_CALLS];
  if (!Array.isArray(legacyCalls)) return { entries, counts };
  return { entries, counts, legacy: { calls: legacyCalls.filter(isEntry), version: num(item[LEGACY_VERSION]) } };
}

/** What a legacy item becomes: one attribute per entry (but `drop`'s, a call being released), and its counters. */
export function legacyMigration(calls: readonly CallSlotEntry[], drop?: string): { attributes: Record<string, CallSlotEntry>; counts: SlotCounts } {
  const attributes: Record<string, CallSlotEntry> = {};
  for (const e of calls) {
    const callRef = callRefOf(e);
    if (callRef === drop) continue;
    attributes[slotAttribute(e.direction, callRef)] = { ...e, callRef };
  }
  const kept = Object.values(attributes);
  return { attributes, counts: { calls: kept.length, out: kept.filter((e) => e.direction === 'out').length } };
}
