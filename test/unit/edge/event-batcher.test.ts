/**
 * The local stand-in for the cdr queue's batching window
 * (contracts/bus/event-batcher.ts), with fake timers: a window collects from
 * its first item, a full batch goes at once, batches go in order one after
 * the other, stop() delivers what is pending; and the window setting refuses
 * bad values by name.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventBatcher } from '../../../contracts/bus/event-batcher.js';
import { parseEdgeSettings } from '../../../contracts/settings/edge-settings.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function collecting(windowMs: number, maxBatchSize = 100) {
  const batches: number[][] = [];
  const batcher = new EventBatcher<number>({ windowMs, maxBatchSize, deliver: async (b) => void batches.push(b) });
  return { batcher, batches };
}

describe('EventBatcher', () => {
  it('delivers what arrived within the window as one batch, counted from the first item', async () => {
    const { batcher, batches } = collecting(500);
    batcher.add(1);
    await vi.advanceTimersByTimeAsync(300);
    batcher.add(2);
    batcher.add(3);
    await vi.advanceTimersByTimeAsync(199);
    expect(batches).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(batches).toEqual([[1, 2, 3]]);
    batcher.add(4);
    await vi.advanceTimersByTimeAsync(500);
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it('delivers a full batch at once and starts the next', async () => {
    const { batcher, batches } = collecting(10_000, 2);
    for (const n of [1, 2, 3]) batcher.add(n);
    await vi.advanceTimersByTimeAsync(0);
    expect(batches).toEqual([[1, 2]]);
    await batcher.stop();
    expect(batches).toEqual([[1, 2], [3]]);
  });

  it('delivers the pending batch on stop (nothing accepted is lost on a clean stop), and later items at once', async () => {
    const { batcher, batches } = collecting(3_600_000);
    batcher.add(1);
    batcher.add(2);
    await batcher.stop();
    expect(batches).toEqual([[1, 2]]);
    batcher.add(3);
    await batcher.flush();
    expect(batches).toEqual([[1, 2], [3]]);
  });

  it('hands batches over one after the other, in order, and reports a failed delivery without losing the next', async () => {
    const order: string[] = [];
    const errors: unknown[] = [];
    let release!: () => void;
    const first = new Promise<void>((r) => (release = r));
    const batcher = new EventBatcher<number>({
      windowMs: 0,
      maxBatchSize: 10,
      deliver: async (b) => {
        order.push(`start ${b.join()}`);
        if (b[0] === 1) await first;
        if (b[0] === 2) throw new Error('store down');
        order.push(`done ${b.join()}`);
      },
      onError: (err) => errors.push(err),
    });
    batcher.add(1);
    batcher.add(2);
    batcher.add(3);
    await vi.advanceTimersByTimeAsync(0);
    expect(order).toEqual(['start 1']);
    release();
    await batcher.stop();
    expect(order).toEqual(['start 1', 'done 1', 'start 2', 'start 3', 'done 3']);
    expect(errors).toEqual([new Error('store down')]);
  });

  it('refuses a bad window or size', () => {
    expect(() => new EventBatcher({ windowMs: -1, maxBatchSize: 1, deliver: async () => undefined })).toThrow(RangeError);
    expect(() => new EventBatcher({ windowMs: 10, maxBatchSize: 0, deliver: async () => undefined })).toThrow(RangeError);
  });
});

describe('PBX_CDR_BATCH_WINDOW_MS', () => {
  it('defaults to 250 ms, takes 0 (a batch per event), refuses what is not a whole number of ms by name', () => {
    const window = (v?: string) => {
      const parsed = parseEdgeSettings(v === undefined ? {} : { PBX_CDR_BATCH_WINDOW_MS: v });
      return parsed.ok ? parsed.value.cdrBatchWindowMs : parsed.problems;
    };
    expect(window()).toBe(250);
    expect(window('0')).toBe(0);
    expect(window('1000')).toBe(1000);
    for (const bad of ['soon', '1.5', '-1', '60001']) expect(String(window(bad))).toMatch(/PBX_CDR_BATCH_WINDOW_MS/);
  });
});
