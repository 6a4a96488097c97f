import { describe, expect, it } from 'vitest';
import {
  blockingLimit,
  releaseSlot,
  takeSlot,
  type CallLimits,
  type CallSlotEntry,
  type SlotDirection,
} from '../../../functions/src/calls/call-slot-rules.js';
import { limitReply } from '../../../functions/src/calls/limit-replies.js';

const entry = (callId: string, direction: SlotDirection, edgeId = 'edge-a', bootId = 'boot-1'): CallSlotEntry => ({
  callId,
  direction,
  edgeId,
  bootId,
  since: 1,
});
const allAlive = () => true;

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

  it('adds the entry when under the limit', () => {
    const r = takeSlot({ current: [entry('a', 'in')], entry: entry('b', 'out'), limits: { maxCalls: 2 }, isHolderAlive: allAlive });
    expect(r).toEqual({ ok: true, calls: [entry('a', 'in'), entry('b', 'out')], changed: true });
  });

  it('is idempotent for the same call and direction (a retransmitted or re-authorized INVITE)', () => {
    const current = [entry('a', 'out')];
    const r = takeSlot({ current, entry: { ...entry('a', 'out'), since: 99 }, limits: { maxCalls: 1 }, isHolderAlive: allAlive });
    expect(r).toEqual({ ok: true, calls: current, changed: false });
  });

  it('treats the other direction of the same call (a user calling itself) as another slot', () => {
    const r = takeSlot({ current: [entry('a', 'out')], entry: entry('a', 'in'), limits: { maxCalls: 1 }, isHolderAlive: allAlive });
    expect(r).toMatchObject({ ok: false, limit: 'maxCalls' });
  });

  it('reclaims slots of calls whose edge died or restarted before counting', () => {
    const current = [entry('dead', 'out', 'edge-b', 'boot-1'), entry('old-boot', 'in', 'edge-a', 'boot-0'), entry('live', 'in')];
    const isHolderAlive = (e: { edgeId: string; bootId: string }) => e.edgeId === 'edge-a' && e.bootId === 'boot-1';
    const r = takeSlot({ current, entry: entry('new', 'out'), limits: { maxCalls: 2 }, isHolderAlive });
    expect(r).toEqual({ ok: true, calls: [entry('live', 'in'), entry('new', 'out')], changed: true });
  });

  it('reports a change when only pruning happened on an idempotent take', () => {
    const r = takeSlot({
      current: [entry('a', 'out'), entry('gone', 'in', 'edge-x')],
      entry: entry('a', 'out'),
      limits: {},
      isHolderAlive: (e) => e.edgeId !== 'edge-x',
    });
    expect(r).toEqual({ ok: true, calls: [entry('a', 'out')], changed: true });
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
    const r = takeSlot({ current: [named('shared', 'ref-1', 'out')], entry: named('shared', 'ref-2', 'out'), limits: { maxCalls: 1 }, isHolderAlive: allAlive });
    expect(r).toMatchObject({ ok: false, limit: 'maxCalls' });
    const unlimited = takeSlot({ current: [named('shared', 'ref-1', 'out')], entry: named('shared', 'ref-2', 'out'), limits: {}, isHolderAlive: allAlive });
    expect(unlimited).toMatchObject({ ok: true, changed: true });
    if (unlimited.ok) expect(unlimited.calls.map((c) => c.callRef)).toEqual(['ref-1', 'ref-2']);
  });

  it('is idempotent for the same callRef (authorize-call invoked again for the same INVITE)', () => {
    const current = [named('shared', 'ref-1', 'out')];
    expect(takeSlot({ current, entry: { ...named('shared', 'ref-1', 'out'), since: 99 }, limits: { maxCalls: 1 }, isHolderAlive: allAlive })).toEqual({ ok: true, calls: current, changed: false });
  });

  it('releases only the entries of the callRef it is given', () => {
    const current = [named('shared', 'ref-1', 'out'), named('shared', 'ref-2', 'in')];
    expect(releaseSlot(current, 'ref-2')).toEqual({ calls: [named('shared', 'ref-1', 'out')], released: 1, changed: true });
    // The Call-ID the two share names neither of them.
    expect(releaseSlot(current, 'shared')).toMatchObject({ released: 0, changed: false });
  });

  it('keys an entry stored without callRef (an earlier version) by its Call-ID', () => {
    const legacy = entry('old-call', 'out');
    expect(takeSlot({ current: [legacy], entry: named('old-call', 'old-call', 'out'), limits: { maxCalls: 1 }, isHolderAlive: allAlive })).toMatchObject({ ok: true, changed: false });
    expect(releaseSlot([legacy], 'old-call')).toMatchObject({ released: 1, calls: [] });
  });
});
