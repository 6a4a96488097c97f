/**
 * The fail-to-ban counting rule, pure: "maxFailures failures within
 * windowSeconds", a true sliding window over the stored failure times: the
 * address is banned when its maxFailures-th most recent failure is less than
 * windowSeconds old.
 */
import type { F2bSettings } from './f2b-settings.js';

export interface FailureWindow {
  /** Epoch ms of the failures inside the window, oldest first (at most maxFailures: all the rule needs). */
  times: number[];
  /** How many failures the window holds. */
  failures: number;
  /** True when the address must be banned now. */
  reached: boolean;
}

export function failuresWithin(
  stored: readonly number[],
  now: number,
  settings: Pick<F2bSettings, 'maxFailures' | 'windowSeconds'>,
): FailureWindow {
  const oldest = now - settings.windowSeconds * 1000;
  // Concurrent instances (and their clocks) may have stored failures later than `now`: they count too.
  const inside = stored.filter((t) => t > oldest).sort((a, b) => a - b);
  return { times: inside.slice(-settings.maxFailures), failures: inside.length, reached: inside.length >= settings.maxFailures };
}
