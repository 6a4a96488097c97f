/**
 * How a PBX_ environment variable becomes a value: the zod building blocks
 * every settings section uses, and the one error type. An empty variable
 * (`VAR=`, as docker-compose and .env files write them) counts as unset.
 */
import { z } from 'zod';

export type Env = Record<string, string | undefined>;

/** Thrown for missing or malformed variables; the message names every one of them. */
export class SettingsError extends Error {
  override name = 'SettingsError';
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? `Invalid setting ${problems[0]}` : `Invalid settings:\n  ${problems.join('\n  ')}`);
  }
}

const unsetIfEmpty = (v: unknown) => (v === '' ? undefined : v);

export const optionalString = z.preprocess(unsetIfEmpty, z.string().optional());

export const stringWithDefault = (fallback: string) => z.preprocess((v) => unsetIfEmpty(v) ?? fallback, z.string().min(1));

/** A whole number ≥ min (digits only: "1e3", "2.5" and " 7" are refused), `fallback` when unset. */
export const wholeNumber = (fallback: number, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.preprocess(
    (v) => unsetIfEmpty(v) ?? String(fallback),
    z
      .string()
      .regex(/^\d+$/, { error: `must be a whole number ≥ ${min}` })
      .transform(Number)
      .pipe(z.number().int().min(min, { error: `must be a whole number ≥ ${min}` }).max(max, { error: `must be at most ${max}` })),
  );

export const port = (fallback: number) => wholeNumber(fallback, 0, 65_535);

export const httpUrl = z.preprocess(
  unsetIfEmpty,
  z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://127.0.0.1:8000' }).optional(),
);

/** Comma-separated list; blanks dropped. */
export const commaList = z.preprocess(
  (v) => unsetIfEmpty(v) ?? '',
  z.string().transform((v) => v.split(',').map((p) => p.trim()).filter((p) => p !== '')),
);

export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/** Variables whose value is never echoed in an error. */
const SECRET_VARIABLES = new Set(['PBX_NONCE_SECRET', 'PBX_ADMIN_TOKEN', 'PBX_METRICS_TOKEN', 'PBX_HEP_PASSWORD']);

/** Parses `env` with `schema`; every problem names its variable (and the bad value, except secrets). */
export function parseEnv<T extends z.ZodType>(schema: T, env: Env): Parsed<z.output<T>> {
  const result = schema.safeParse(env);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => {
      const variable = typeof issue.path[0] === 'string' ? issue.path[0] : '(environment)';
      const got = SECRET_VARIABLES.has(variable) ? undefined : env[variable];
      return `${variable}: ${issue.message}${got !== undefined ? ` (got "${got}")` : ''}`;
    }),
  };
}

/** The values of several sections, or one SettingsError naming every bad variable of all of them. */
export function valuesOrThrow<T extends readonly Parsed<unknown>[]>(...parsed: T): { [K in keyof T]: T[K] extends Parsed<infer V> ? V : never } {
  const problems = parsed.flatMap((p) => (p.ok ? [] : p.problems));
  if (problems.length > 0) throw new SettingsError(problems);
  return parsed.map((p) => (p as { value: unknown }).value) as { [K in keyof T]: T[K] extends Parsed<infer V> ? V : never };
}
