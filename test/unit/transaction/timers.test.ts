import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TIMER_SETTINGS,
  resolveTimerSettings,
  TIMER_A,
  TIMER_B,
  TIMER_D,
  TIMER_E,
  TIMER_F,
  TIMER_G,
  TIMER_H,
  TIMER_I,
  TIMER_J,
  TIMER_K,
  TIMER_L,
  TIMER_M,
} from '../../../edge/src/transaction/index.js';

describe('transaction timers (RFC 3261 Table 4, RFC 6026)', () => {
  const t = DEFAULT_TIMER_SETTINGS;

  it('defaults to T1 = 500 ms, T2 = 4 s, T4 = 5 s', () => {
    expect(t).toEqual({ T1: 500, T2: 4_000, T4: 5_000 });
  });

  it('derives the table values on unreliable transports', () => {
    const values = [TIMER_A(t), TIMER_B(t), TIMER_D(t, false), TIMER_E(t), TIMER_F(t), TIMER_G(t), TIMER_H(t)];
    expect(values).toEqual([500, 32_000, 32_000, 500, 32_000, 500, 32_000]);
    expect([TIMER_I(t, false), TIMER_J(t, false), TIMER_K(t, false), TIMER_L(t), TIMER_M(t)]).toEqual([5_000, 32_000, 5_000, 32_000, 32_000]);
  });

  it('sets the wait timers D, I, J and K to zero on reliable transports', () => {
    expect([TIMER_D(t, true), TIMER_I(t, true), TIMER_J(t, true), TIMER_K(t, true)]).toEqual([0, 0, 0, 0]);
  });

  it('scales with an overridden T1, keeping Timer D at 32 s or more', () => {
    const fast = resolveTimerSettings({ T1: 100 });
    expect(fast).toEqual({ T1: 100, T2: 4_000, T4: 5_000 });
    expect([TIMER_B(fast), TIMER_D(fast, false), TIMER_J(fast, false)]).toEqual([6_400, 32_000, 6_400]);
  });
});
