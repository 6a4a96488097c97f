/**
 * The fail-to-ban system settings as the functions read them: from the
 * store at most every SETTINGS_CACHE_MS (they only change when a seed is
 * applied or an admin edits them). The rest of FailToBanDeps comes from the
 * functions runtime (runtime/functions-runtime.ts).
 */
import type { F2bSettings } from '../../../contracts/fail-to-ban/f2b-settings.js';
import type { SystemSettingsReader } from './system-settings-repository.js';

export const SETTINGS_CACHE_MS = 10_000;

/** `read()` at most once per `ttlMs`; a failed read is not cached. */
export function cachedSettings(reader: SystemSettingsReader, ttlMs = SETTINGS_CACHE_MS, now: () => number = Date.now): () => Promise<F2bSettings> {
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
