import { describe, expect, it } from 'vitest';
import {
  blockingLimit,
  countsOf,
  deadSlots,
  explainRefusedTake,
  needsSlot,
  releaseNeverLanded,
  releaseSlot,
  type CallLimits,
  type CallSlotEntry,
  type CallSlotItem,
  type SlotDirection,
} from '../../../functions/src/calls/call-slot-rules.js';
import { legacyMigration, parseSlotItem, slotAttribute } from '../../../functions/src/calls/call-slot-item.js';
import { limitReply } from '../../../functions/src/calls/limit-replies.js';
import { EdgeLiveness } from '../../../functions/src/calls/edge-liveness.js';
import { slotHolderCheck } from '../../../functions/src/calls/slot-holders.js';

const entry = (callId: string, direction: SlotDirection, edgeId = 'edge-a', bootId = 'boot-1'): CallSlotEntry => ({
  callId,
  direction,
  edgeId,
  bootId,
  since: 1,
});
/** The item as the store holds these entries (counters kept with them). */
const itemOf = (entries: CallSlotEntry[]): CallSlotItem => ({ entries, counts: countsOf(entries) });

describe('call slot rules (MSS maxCalls / maxOutgoingCalls)', () => {
  it.each<[string, CallSlotEntry[], SlotDirection, CallLimits, string | undefined]>([
    ['absent limits are unlimited', [entry('a', 'out'), entry('b', 'in'), entry('c', 'out')], 'out', {}, undefined],
    ['maxCalls 0 refuses any call', [], 'in', { maxCalls: 0 }, 'maxCalls'],
    ['maxOutgoingCalls 0 refuses outgoing calls', [], 'out', { maxOutgoingCalls: 0 }, 'maxOutgoingCalls'],
    ['maxOutgoingCalls 0 still lets calls in', [], 'in', { maxOutgoingCalls: 0 }, undefined],
    ['maxCalls counts in and out together', [entry('a', 'in')], 'out', { maxCalls: 1 }, 'maxCalls'],
    ['maxOutgoingCalls ignores incoming calls', [entry('a', 'in'), entry('b', 'in')], 'out', { maxOutgoingCalls: 1 }, undefined],
    ['maxOutgoingCalls is checked first for an outgoing call', [entry('a', 'out')], 'out', { maxCalls: 1, maxOutgoingCalls: 1 }, 'maxOutgoingCalls'],
    ['below both limits', [entry('a', 'in')], 'out', { maxCalls: 2, maxOutgoingCalls: 1 }, undefined],
  ])('%s', (_name, calls, direction, limits, expected) => {
    expect(blockingLimit(calls, direction, limits)).toBe(expected);
  });

  it.each<[string, SlotDirection, CallLimits, boolean]>([
    ['no limits: no slot either way', 'out', {}, false],
    ['no limits: no slot either way (in)', 'in', {}, false],
    ['maxCalls counts an incoming call', 'in', { maxCalls: 2 }, true],
    ['maxOutgoingCalls does not count an incoming call', 'in', { maxOutgoingCalls: 1 }, false],
    ['maxOutgoingCalls counts an outgoing call', 'out', { maxOutgoingCalls: 1 }, true],
    ['maxCalls counts an outgoing call', 'out', { maxCalls: 3 }, true],
  ])('needsSlot: %s', (_name, direction, limits, expected) => {
    expect(needsSlot(direction, limits)).toBe(expected);
  });

  it('a refused take below the limits raced with a release: take again', () => {
    expect(explainRefusedTake(itemOf([entry('a', 'in')]), entry('b', 'out'), { maxCalls: 2 })).toEqual({ kind: 'raced' });
  });

  it('is idempotent for the same call and direction (a retransmitted or re-authorized INVITE)', () => {
    const item = itemOf([{ ...entry('a', 'out'), callRef: 'a' }]);
    expect(explainRefusedTake(item, { ...entry('a', 'out'), since: 99 }, { maxCalls: 1 })).toEqual({ kind: 'held' });
  });

  it('treats the other direction of the same call (a user calling itself) as another slot', () => {
    expect(explainRefusedTake(itemOf([entry('a', 'out')]), entry('a', 'in'), { maxCalls: 1 })).toEqual({ kind: 'full', limit: 'maxCalls' });
  });

  it('names the dead or restarted holders that fill a limit (pruned before the user is refused)', () => {
    const current = [entry('dead', 'out', 'edge-b', 'boot-1'), entry('old-boot', 'in', 'edge-a', 'boot-0'), entry('live', 'in')];
    const isHolderAlive = (e: { edgeId: string; bootId: string }) => e.edgeId === 'edge-a' && e.bootId === 'boot-1';
    expect(explainRefusedTake(itemOf(current), entry('new', 'out'), { maxCalls: 2 })).toEqual({ kind: 'full', limit: 'maxCalls' });
    expect(deadSlots(current, isHolderAlive)).toEqual([current[0], current[1]]);
  });

  it('decides by the counters, which the condition of the write checked', () => {
    // The counters say full although one entry is listed: the write was refused on them.
    const item: CallSlotItem = { entries: [entry('a', 'out')], counts: { calls: 2, out: 1 } };
    expect(explainRefusedTake(item, entry('b', 'in'), { maxCalls: 2 })).toEqual({ kind: 'full', limit: 'maxCalls' });
  });

  it('migrates an item an earlier version wrote before anything else', () => {
    const item: CallSlotItem = { entries: [], counts: { calls: 0, out: 0 }, legacy: { calls: [entry('a', 'out')], version: 3 } };
    expect(explainRefusedTake(item, entry('a', 'out'), { maxCalls: 1 })).toEqual({ kind: 'legacy' });
  });

  it('releases every entry of the call, and releasing twice is harmless', () => {
    const first = releaseSlot([entry('a', 'out'), entry('a', 'in'), entry('b', 'in')], 'a');
    expect(first).toEqual({ calls: [entry('b', 'in')], released: 2, changed: true });
    expect(releaseSlot(first.calls, 'a')).toEqual({ calls: [entry('b', 'in')], released: 0, changed: false });
  });

  it('answers the callee side with 486 and the caller side with 403 and a reason', () => {
    expect(limitReply('in', 'maxCalls', 1)).toEqual({ status: 486, reason: 'Busy Here', headers: [] });
    expect(limitReply('out', 'maxOutgoingCalls', 2)).toEqual({ status: 403, reason: 'Outgoing call limit reached', headers: [] });
    expect(limitReply('out', 'maxOutgoingCalls', 0)).toEqual({ status: 403, reason: 'Outgoing calls not allowed', headers: [] });
    expect(limitReply('out', 'maxCalls', 3)).toEqual({ status: 403, reason: 'Call limit reached', headers: [] });
  });
});

describe('call slot rules: a call is its callRef, not its Call-ID (issue 12)', () => {
  const named = (callId: string, callRef: string, direction: SlotDirection): CallSlotEntry => ({ ...entry(callId, direction), callRef });

  it('counts a second call with the Call-ID of a call in progress as a call of its own', () => {
    const item = itemOf([named('shared', 'ref-1', 'out')]);
    expect(explainRefusedTake(item, named('shared', 'ref-2', 'out'), { maxCalls: 1 })).toEqual({ kind: 'full', limit: 'maxCalls' });
    // Each callRef has an attribute of its own: the second call's take is not the first's.
    expect(slotAttribute('out', 'ref-1')).not.toBe(slotAttribute('out', 'ref-2'));
  });

  it('is idempotent for the same callRef (authorize-call invoked again for the same INVITE)', () => {
    const item = itemOf([named('shared', 'ref-1', 'out')]);
    expect(explainRefusedTake(item, { ...named('shared', 'ref-1', 'out'), since: 99 }, { maxCalls: 1 })).toEqual({ kind: 'held' });
  });

  it('releases only the entries of the callRef it is given', () => {
    const current = [named('shared', 'ref-1', 'out'), named('shared', 'ref-2', 'in')];
    expect(releaseSlot(current, 'ref-2')).toEqual({ calls: [named('shared', 'ref-1', 'out')], released: 1, changed: true });
    // The Call-ID the two share names neither of them.
    expect(releaseSlot(current, 'shared')).toMatchObject({ released: 0, changed: false });
  });

  it('keys an entry stored without callRef (an earlier version) by its Call-ID', () => {
    const legacy = entry('old-call', 'out');
    expect(explainRefusedTake(itemOf([legacy]), named('old-call', 'old-call', 'out'), { maxCalls: 1 })).toEqual({ kind: 'held' });
    expect(releaseSlot([legacy], 'old-call')).toMatchObject({ released: 1, calls: [] });
    expect(Object.keys(legacyMigration([legacy]).attributes)).toEqual([slotAttribute('out', 'old-call')]);
  });
});

describe('the slot item (call-slot-item.ts)', () => {
  it('reads one entry per attribute, its direction and callRef from the name, and the counters', () => {
    const stored = {
      pk: 'TENANT#t',
      sk: 'CALLS#1001',
      callCount: 2,
      outCount: 1,
      [slotAttribute('out', 'ref#with#hashes')]: { ...entry('c1', 'out'), callRef: 'ref#with#hashes' },
      [slotAttribute('in', 'ref-2')]: { ...entry('c2', 'in'), callRef: 'ref-2' },
    };
    expect(parseSlotItem(stored)).toEqual({
      entries: [
        { ...entry('c1', 'out'), callRef: 'ref#with#hashes' },
        { ...entry('c2', 'in'), callRef: 'ref-2' },
      ],
      counts: { calls: 2, out: 1 },
    });
    expect(parseSlotItem(undefined)).toEqual({ entries: [], counts: { calls: 0, out: 0 } });
  });

  it('recognises an item an earlier version wrote, and migrates it to attributes and counters (without the call being released)', () => {
    const calls = [entry('a', 'out'), { ...entry('b', 'in'), callRef: 'ref-b' }, { ...entry('c', 'out'), callRef: 'ref-c' }];
    expect(parseSlotItem({ pk: 'p', sk: 's', calls, version: 4 }).legacy).toEqual({ calls, version: 4 });
    const { attributes, counts } = legacyMigration(calls, 'ref-c');
    expect(counts).toEqual({ calls: 2, out: 1 });
    expect(parseSlotItem({ ...attributes, callCount: counts.calls, outCount: counts.out }).entries.map((e) => [e.callRef, e.direction])).toEqual([
      ['a', 'out'],
      ['ref-b', 'in'],
    ]);
  });
});

describe('a release that never landed (the holder audit: calls/slot-holders.ts)', () => {
  const AT = 1_000_000;
  const audit = { bootId: 'boot-1', callRefs: new Set(['carried']), at: AT, graceMs: 120_000 };
  const entry = (callRef: string, since: number, bootId = 'boot-1') => ({ callId: `${callRef}@x`, callRef, direction: 'out' as const, edgeId: 'edge-a', bootId, since });

  it('an entry taken well before the audit, for a call the audit did not name, never got its release', () => {
    expect(releaseNeverLanded(entry('gone', AT - 120_001), audit)).toBe(true);
  });

  it('keeps a call the audit named, an entry younger than the grace at the audit, another boot, and any entry without an audit', () => {
    expect(releaseNeverLanded(entry('carried', AT - 600_000), audit)).toBe(false);
    // Its call may not have reached the edge by the audit (authorize-call still answering).
    expect(releaseNeverLanded(entry('gone', AT - 119_999), audit)).toBe(false);
    expect(releaseNeverLanded(entry('gone', AT + 5_000), audit)).toBe(false);
    // Another boot's entries are the liveness rule's (dead or restarted holder), not this audit's.
    expect(releaseNeverLanded(entry('gone', AT - 600_000, 'boot-0'), audit)).toBe(false);
    expect(releaseNeverLanded(entry('gone', AT - 600_000), undefined)).toBe(false);
  });

  it('the holder check: a live edge whose audit no longer names the call does not hold it', () => {
    const liveness = new EdgeLiveness([], AT, { id: 'edge-a', bootId: 'boot-1' });
    const check = slotHolderCheck(liveness, [{ edgeId: 'edge-a', ...audit }]);
    expect(check(entry('carried', AT - 600_000))).toBe(true);
    expect(check(entry('gone', AT - 600_000))).toBe(false);
    // The asking edge is alive by definition; without an audit of it, its entries stay.
    expect(slotHolderCheck(liveness, [])(entry('gone', AT - 600_000))).toBe(true);
  });
});
