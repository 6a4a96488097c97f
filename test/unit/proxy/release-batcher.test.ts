import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FunctionEvents, FunctionName, ReleasedCall } from '../../../contracts/function-events.js';
import { RELEASE_BATCH_MAX_CALLS } from '../../../contracts/function-events.js';
import { releaseCallEventSchema } from '../../../contracts/function-event-schemas.js';
import { RELEASE_RETRY_FOREVER_MS, ReleaseBatcher } from '../../../edge/src/proxy/release-batcher.js';
import { createLogger } from '../../../edge/src/logger.js';

const ended = (n: number): ReleasedCall => ({ callId: `cid-${n}`, callRef: `cid-${n}~${n}`, slots: [{ tenantId: 'acme', ext: '1001', direction: 'out' }] });

describe('release-batcher: the ends of one moment in one release-call', () => {
  let sent: FunctionEvents['release-call'][];
  let failNext: number;
  const invoker = {
    invoke: async <N extends FunctionName>(name: N, event: FunctionEvents[N]) => {
      if (name !== 'release-call') throw new Error(`unexpected ${name}`);
      sent.push(event as FunctionEvents['release-call']);
      if (failNext > 0) {
        failNext--;
        throw new Error('Lambda throttled');
      }
      return { released: 1 } as never;
    },
  };
  const logger = createLogger('silent');
  /** Every call an event names, in order. */
  const callsOf = (e: FunctionEvents['release-call']) => [e.callId, ...(e.more ?? []).map((c) => c.callId)];

  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    failNext = 0;
  });
  afterEach(() => vi.useRealTimers());

  it('waits the window for other ends, then sends them as one event the function accepts', async () => {
    const batcher = new ReleaseBatcher(invoker, logger, { windowMs: 25 });
    batcher.release(ended(1));
    await vi.advanceTimersByTimeAsync(10);
    batcher.release(ended(2));
    batcher.release(ended(3));
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(15);
    expect(sent.map(callsOf)).toEqual([['cid-1', 'cid-2', 'cid-3']]);
    expect(releaseCallEventSchema.safeParse(sent[0]).success).toBe(true);
    expect(sent[0]).toMatchObject({ type: 'release-call', callId: 'cid-1', callRef: 'cid-1~1', more: [{ callId: 'cid-2' }, { callId: 'cid-3' }] });
    // The next end opens a new window.
    batcher.release(ended(4));
    await vi.advanceTimersByTimeAsync(25);
    expect(sent.map(callsOf)).toEqual([['cid-1', 'cid-2', 'cid-3'], ['cid-4']]);
    expect(sent[1]).not.toHaveProperty('more');
  });

  it('sends a full batch at once, and never more calls than the function accepts', async () => {
    const batcher = new ReleaseBatcher(invoker, logger, { windowMs: 1_000, maxCalls: 500 });
    for (let i = 0; i < RELEASE_BATCH_MAX_CALLS + 1; i++) batcher.release(ended(i));
    expect(sent.map((e) => callsOf(e).length)).toEqual([RELEASE_BATCH_MAX_CALLS]);
    expect(releaseCallEventSchema.safeParse(sent[0]).success).toBe(true);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sent.map((e) => callsOf(e).length)).toEqual([RELEASE_BATCH_MAX_CALLS, 1]);
  });

  it('sends a failed batch again, the same calls, after a growing delay', async () => {
    const batcher = new ReleaseBatcher(invoker, logger, { windowMs: 25 });
    failNext = 2;
    batcher.release(ended(1));
    batcher.release(ended(2));
    await vi.advanceTimersByTimeAsync(25);
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(500);
    expect(sent).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(sent).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent.map(callsOf)).toEqual([['cid-1', 'cid-2'], ['cid-1', 'cid-2'], ['cid-1', 'cid-2']]);
  });

  it('keeps sending a batch that fails every scheduled retry, once a minute, until it is released', async () => {
    const batcher = new ReleaseBatcher(invoker, logger, { windowMs: 25 });
    // The first send and its four scheduled retries fail (500 ms, 2 s, 10 s, 30 s), then two more a minute apart.
    failNext = 7;
    batcher.release(ended(1));
    await vi.advanceTimersByTimeAsync(25 + 500 + 2_000 + 10_000 + 30_000);
    expect(sent).toHaveLength(5);
    await vi.advanceTimersByTimeAsync(RELEASE_RETRY_FOREVER_MS - 1);
    expect(sent).toHaveLength(5);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toHaveLength(6);
    await vi.advanceTimersByTimeAsync(2 * RELEASE_RETRY_FOREVER_MS);
    // The eighth attempt succeeded: the calls' slots are back, and nothing is sent after it.
    expect(sent).toHaveLength(8);
    expect(failNext).toBe(0);
    await vi.advanceTimersByTimeAsync(10 * RELEASE_RETRY_FOREVER_MS);
    expect(sent.map(callsOf)).toEqual(Array.from({ length: 8 }, () => ['cid-1']));
  });

  it('flush sends what waits at once (the edge stopping)', () => {
    const batcher = new ReleaseBatcher(invoker, logger, { windowMs: 25 });
    batcher.flush();
    expect(sent).toEqual([]);
    batcher.release(ended(1));
    batcher.flush();
    expect(sent.map(callsOf)).toEqual([['cid-1']]);
  });

  it('the function refuses an event with more calls than the bound, naming the field', () => {
    const event = { type: 'release-call', ...ended(0), more: Array.from({ length: RELEASE_BATCH_MAX_CALLS }, (_, i) => ended(i + 1)) };
    const parsed = releaseCallEventSchema.safeParse(event);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['more']);
  });
});
