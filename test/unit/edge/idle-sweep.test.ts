import { describe, expect, it } from 'vitest';
import { IdleSweep, type IdleFlow } from '../../../edge/src/transport/idle-sweep.js';

function flow(lastActiveAt: number): IdleFlow & { closed: number } {
  return { lastActiveAt, closed: 0, closeIdle() { this.closed++; } };
}

describe('IdleSweep: one timer closes every connection silent for the idle timeout', () => {
  it('closes a flow silent for the timeout, keeps one heard from since, and closes each only once', () => {
    const clock = { now: 100_000 };
    const sweep = new IdleSweep(60_000, () => clock.now);
    const silent = flow(clock.now);
    const talking = flow(clock.now);
    sweep.add(silent);
    sweep.add(talking);
    clock.now += 59_999;
    talking.lastActiveAt = clock.now;
    sweep.sweep();
    expect([silent.closed, talking.closed]).toEqual([0, 0]);
    clock.now += 1;
    sweep.sweep();
    sweep.sweep();
    expect([silent.closed, talking.closed]).toEqual([1, 0]);
    expect(sweep.size).toBe(1);
    clock.now += 60_000;
    sweep.sweep();
    expect(talking.closed).toBe(1);
    expect(sweep.size).toBe(0);
  });

  it('a flow removed on close is never swept', () => {
    const clock = { now: 0 };
    const sweep = new IdleSweep(1_000, () => clock.now);
    const gone = flow(0);
    sweep.add(gone);
    sweep.delete(gone);
    clock.now = 10_000;
    sweep.sweep();
    expect(gone.closed).toBe(0);
  });

  it('sweeps a tenth of the timeout apart, between 50 ms and 5 s', () => {
    expect(new IdleSweep(900_000).periodMs).toBe(5_000);
    expect(new IdleSweep(10_000).periodMs).toBe(1_000);
    expect(new IdleSweep(100).periodMs).toBe(50);
  });

  it('runs its own timer: a silent flow is closed without anyone calling sweep()', async () => {
    const sweep = new IdleSweep(200);
    const silent = flow(Date.now());
    sweep.add(silent);
    await new Promise((r) => setTimeout(r, 400));
    expect(silent.closed).toBe(1);
    expect(sweep.size).toBe(0);
  });
});
