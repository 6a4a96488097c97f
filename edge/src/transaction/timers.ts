/**
 * Transaction timer values, RFC 3261 §17 and Table 4 (appendix A), with the
 * RFC 6026 additions (Timers L and M). Timers are named by their RFC letter so
 * the state machines read like the RFC figures. Timer C belongs to the proxy
 * core (RFC 3261 §16.6 step 11), not to the transaction layer.
 */

export interface TimerSettings {
  /** RTT estimate (RFC 3261 §17.1.1.1). */
  T1: number;
  /** Maximum retransmit interval for non-INVITE requests and INVITE responses. */
  T2: number;
  /** Maximum time a message remains in the network. */
  T4: number;
}

export const DEFAULT_TIMER_SETTINGS: Readonly<TimerSettings> = Object.freeze({ T1: 500, T2: 4_000, T4: 5_000 });

export function resolveTimerSettings(overrides: Partial<TimerSettings> = {}): TimerSettings {
  return { ...DEFAULT_TIMER_SETTINGS, ...overrides };
}

/** Scheduling seam so tests can drive time (vi.useFakeTimers()) or inject their own clock. */
export interface Clock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Looks the global timers up at call time, so fake timers installed after import still apply. */
export const systemClock: Clock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** RFC 3261 §17.2.1: the INVITE server transaction sends 100 (Trying) itself after this long. */
export const TRYING_DELAY = 200;

type Timer = (t: TimerSettings) => number;
type TransportTimer = (t: TimerSettings, reliable: boolean) => number;

/** INVITE request retransmit interval (unreliable only), initially T1, doubling without a cap. */
export const TIMER_A: Timer = (t) => t.T1;
/** INVITE transaction timeout. */
export const TIMER_B: Timer = (t) => 64 * t.T1;
/** Wait time for response retransmits: "at least 32 s" on unreliable transports, 0 on reliable. */
export const TIMER_D: TransportTimer = (t, reliable) => (reliable ? 0 : Math.max(32_000, 64 * t.T1));
/** Non-INVITE request retransmit interval (unreliable only), T1 doubling up to T2. */
export const TIMER_E: Timer = (t) => t.T1;
/** Non-INVITE transaction timeout. */
export const TIMER_F: Timer = (t) => 64 * t.T1;
/** INVITE final response retransmit interval (unreliable only), T1 doubling up to T2. */
export const TIMER_G: Timer = (t) => t.T1;
/** Wait time for ACK receipt. */
export const TIMER_H: Timer = (t) => 64 * t.T1;
/** Wait time for ACK retransmits. */
export const TIMER_I: TransportTimer = (t, reliable) => (reliable ? 0 : t.T4);
/** Wait time for non-INVITE request retransmits. */
export const TIMER_J: TransportTimer = (t, reliable) => (reliable ? 0 : 64 * t.T1);
/** Wait time for non-INVITE response retransmits. */
export const TIMER_K: TransportTimer = (t, reliable) => (reliable ? 0 : t.T4);
/** RFC 6026 §8.7: INVITE server transaction lingers in Accepted to absorb request retransmissions. */
export const TIMER_L: Timer = (t) => 64 * t.T1;
/** RFC 6026 §8.4: INVITE client transaction lingers in Accepted to pass 2xx retransmissions to the TU. */
export const TIMER_M: Timer = (t) => 64 * t.T1;

/** Next interval of a retransmit timer that doubles (A without cap; E and G capped at T2). */
export function doubled(interval: number, cap = Number.POSITIVE_INFINITY): number {
  return Math.min(2 * interval, cap);
}
