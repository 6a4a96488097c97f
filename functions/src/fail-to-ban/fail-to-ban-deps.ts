/**
 * Fail-to-ban dependencies from the environment (Lambda, or in-process
 * locally): the store of runtime-deps.ts, the bus of bus-from-env.ts, and the
 * system settings read from the store at most every SETTINGS_CACHE_MS (they
 * only change when a seed is applied or an admin edits them).
 */
import { busFromEnv } from '../runtime/bus-from-env.js';
import { memoizeByEnv, STORE_ENV, storesFromEnv, systemClock } from '../runtime/runtime-deps.js';
import type { F2bSettings } from '../../../contracts/fail-to-ban/f2b-settings.js';
import type { FailToBanDeps } from './record-auth-failure.js';
import type { SystemSettingsReader } from './system-settings-repository.js';

export const SETTINGS_CACHE_MS = 10_000;

/** `read()` at most once per `ttlMs`; a failed read is not cached. */
export function cachedSettings(reader: SystemSettingsReader, ttlMs = SETTINGS_CACHE_MS, now: () => number = systemClock): () => Promise<F2bSettings> {
  let cached: { at: number; value: Promise<F2bSettings> } | undefined;
  return () => {
    const t = now();
    if (!cached || t - cached.at >= ttlMs) {
      const value = reader.getF2bSettings();
      const entry = { at: t, value };
      cached = entry;
      value.catch(() => {
        if (cached === entry) cached = undefined;
      });
    }
    return cached.value;
  };
}

const BUS_ENV = ['PBX_EVENT_BUS_NAME', 'PBX_EVENTBRIDGE_ENDPOINT'] as const;

export const failToBanDepsFromEnv = memoizeByEnv([...STORE_ENV, ...BUS_ENV], (env): FailToBanDeps => {
  const { bans, systemSettings } = storesFromEnv(env);
  return {
    bans,
    settings: cachedSettings(systemSettings),
    bus: busFromEnv(env as NodeJS.ProcessEnv),
    now: systemClock,
    // No logger in the functions yet: a console line is what Lambda keeps (never credentials: only the error).
    onError: (err) => console.warn('fail-to-ban: could not record an authentication failure:', err instanceof Error ? err.message : err),
  };
});
