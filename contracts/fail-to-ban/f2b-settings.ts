/**
 * Fail-to-ban settings (MSS "fail to ban"): system-wide, from the seed's
 * top-level "system.f2b" object, stored in the table (SYSTEM / SETTINGS) so
 * every function instance reads the same values.
 *
 * | field           | default | meaning |
 * |-----------------|---------|---------|
 * | `enabled`       | `true`  | on by default: nothing to configure |
 * | `maxFailures`   | `5`     | failed authentications from one address … |
 * | `windowSeconds` | `60`    | … within this many seconds ban the address |
 * | `banSeconds`    | `10800` | for this long (3 hours); bans expire by themselves |
 * | `whitelist`     | `[]`    | addresses / CIDR blocks never counted, never banned |
 */
import { z } from 'zod';
import { isAddressOrBlock } from './address-set.js';

export interface F2bSettings {
  enabled: boolean;
  maxFailures: number;
  windowSeconds: number;
  banSeconds: number;
  whitelist: string[];
}

export const DEFAULT_F2B_SETTINGS: Readonly<F2bSettings> = Object.freeze({
  enabled: true,
  maxFailures: 5,
  windowSeconds: 60,
  banSeconds: 10_800,
  whitelist: [],
});

/** Schema of `system.f2b` in a seed (and of the stored copy); absent fields take the defaults. */
export const f2bSettingsSchema = z.object({
  enabled: z.boolean().default(DEFAULT_F2B_SETTINGS.enabled),
  maxFailures: z.number().int().min(1).max(1000).default(DEFAULT_F2B_SETTINGS.maxFailures),
  windowSeconds: z.number().int().min(1).max(86_400).default(DEFAULT_F2B_SETTINGS.windowSeconds),
  banSeconds: z.number().int().min(1).max(365 * 86_400).default(DEFAULT_F2B_SETTINGS.banSeconds),
  whitelist: z
    .array(z.string().refine(isAddressOrBlock, { error: 'must be an IP address or a CIDR block such as 192.0.2.0/24' }))
    .default([]),
});

/** Settings from a stored or seeded object; anything missing or malformed falls back to the defaults. */
export function f2bSettingsFrom(value: unknown): F2bSettings {
  const parsed = f2bSettingsSchema.safeParse(value ?? {});
  return parsed.success ? parsed.data : { ...DEFAULT_F2B_SETTINGS, whitelist: [] };
}
