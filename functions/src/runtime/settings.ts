/**
 * Settings of the functions, read from environment variables (the same names
 * locally and as Lambda environment variables). Every variable has a
 * documented default except PBX_NONCE_SECRET. A bad value fails fast with an
 * error naming the variable, so a misconfigured deployment does not start
 * answering REGISTERs with surprising limits.
 *
 * | Variable                 | Default       | Meaning |
 * |--------------------------|---------------|---------|
 * | PBX_TABLE_NAME           | nimbus-pbx    | DynamoDB table (see contracts/store/tables.ts) |
 * | PBX_DYNAMODB_ENDPOINT    | (AWS)         | Endpoint of a local emulator (dynalite, DynamoDB Local, LocalStack) |
 * | AWS_REGION               | us-east-1     | Region of the table |
 * | PBX_NONCE_SECRET         | (required)    | HMAC key of the stateless digest nonces; every instance must share it |
 * | PBX_NONCE_SECRET_ARN     | —             | Cloud: Secrets Manager secret holding the nonce secret, read once per container (resolveNonceSecret) |
 * | PBX_NONCE_TTL_SECONDS    | 300           | Age after which a nonce is answered with stale=true |
 * | PBX_REG_MIN_EXPIRES      | 60            | Below this a REGISTER gets 423 + Min-Expires (RFC 3261 §10.3 step 7) |
 * | PBX_REG_MAX_EXPIRES      | 3600          | Longer requested expirations are shortened to this |
 * | PBX_REG_DEFAULT_EXPIRES  | 3600          | Used when neither Contact expires param nor Expires header is present |
 * | PBX_DIGEST_ALGORITHMS    | MD5,SHA-256   | Digest algorithms offered, in challenge order |
 */
import { z } from 'zod';
import type { DigestAlgorithm } from '../../../sip/index.js';

export interface StoreSettings {
  tableName: string;
  /** Set for local emulators; undefined means the regional AWS endpoint. */
  dynamoEndpoint?: string;
  region: string;
}

export interface RegistrarSettings {
  nonceSecret: string;
  nonceTtlSeconds: number;
  minExpires: number;
  maxExpires: number;
  defaultExpires: number;
  /**
   * Digest algorithms offered, most preferred first. MD5 comes first by
   * default ON PURPOSE: JsSIP, SIPp and many desk phones answer a single
   * challenge and only implement MD5, so preferring SHA-256 would lock them
   * out. RFC 8760 §2.4 / RFC 7616 §3.7 want the strongest algorithm first:
   * admins whose devices all support SHA-256 can set
   * PBX_DIGEST_ALGORITHMS=SHA-256,MD5 (or SHA-256 alone).
   * (Browser stacks read the LAST challenge; authenticate.ts reverses the
   * header order on WebSocket so they too get the first configured one.)
   */
  digestAlgorithms: DigestAlgorithm[];
}

export type FunctionSettings = StoreSettings & RegistrarSettings;

export type Env = Record<string, string | undefined>;

/** Thrown for a missing or malformed variable; the message names it. */
export class SettingsError extends Error {
  override name = 'SettingsError';
}

/** Treat `VAR=` like an unset variable (docker-compose and .env files produce those). */
const optionalString = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());

const intWithDefault = (fallback: number, min: number) =>
  z.preprocess(
    (v) => (v === undefined || v === '' ? String(fallback) : v),
    z
      .string()
      .regex(/^\d+$/, { error: `must be a whole number ≥ ${min}` })
      .transform(Number)
      .pipe(z.number().int().min(min, { error: `must be a whole number ≥ ${min}` })),
  );

const DIGEST_ALGORITHMS = ['MD5', 'SHA-256'] as const;

const digestAlgorithmList = z.preprocess(
  (v) => (v === undefined || v === '' ? 'MD5,SHA-256' : v),
  z.string().transform((text, ctx) => {
    const out: DigestAlgorithm[] = [];
    for (const raw of text.split(',')) {
      const name = raw.trim().toUpperCase();
      if (name === '') continue;
      const alg = DIGEST_ALGORITHMS.find((a) => a === name);
      if (!alg) {
        ctx.addIssue({ code: 'custom', message: `unsupported algorithm "${raw.trim()}" (supported: ${DIGEST_ALGORITHMS.join(', ')})` });
        return z.NEVER;
      }
      if (!out.includes(alg)) out.push(alg);
    }
    if (out.length === 0) {
      ctx.addIssue({ code: 'custom', message: 'must list at least one algorithm' });
      return z.NEVER;
    }
    return out;
  }),
);

const storeSchema = z.object({
  PBX_TABLE_NAME: z.preprocess(
    (v) => (v === undefined || v === '' ? 'nimbus-pbx' : v),
    z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, { error: 'must be a valid DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -)' }),
  ),
  PBX_DYNAMODB_ENDPOINT: optionalString.pipe(z.url({ error: 'must be a URL such as http://127.0.0.1:8000' }).optional()),
  AWS_REGION: z.preprocess((v) => (v === undefined || v === '' ? 'us-east-1' : v), z.string()),
});

const registrarSchema = z
  .object({
    PBX_NONCE_SECRET: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z.string({
        error:
          'is required: set it to a long random string shared by every function instance (it signs digest nonces), or PBX_NONCE_SECRET_ARN in the cloud',
      }),
    ),
    PBX_NONCE_TTL_SECONDS: intWithDefault(300, 1),
    PBX_REG_MIN_EXPIRES: intWithDefault(60, 1),
    PBX_REG_MAX_EXPIRES: intWithDefault(3600, 1),
    PBX_REG_DEFAULT_EXPIRES: intWithDefault(3600, 1),
    PBX_DIGEST_ALGORITHMS: digestAlgorithmList,
  })
  .superRefine((s, ctx) => {
    if (s.PBX_REG_MAX_EXPIRES < s.PBX_REG_MIN_EXPIRES) {
      ctx.addIssue({ code: 'custom', path: ['PBX_REG_MAX_EXPIRES'], message: `must be ≥ PBX_REG_MIN_EXPIRES (${s.PBX_REG_MIN_EXPIRES})` });
    }
    if (s.PBX_REG_DEFAULT_EXPIRES < s.PBX_REG_MIN_EXPIRES || s.PBX_REG_DEFAULT_EXPIRES > s.PBX_REG_MAX_EXPIRES) {
      ctx.addIssue({
        code: 'custom',
        path: ['PBX_REG_DEFAULT_EXPIRES'],
        message: `must lie between PBX_REG_MIN_EXPIRES (${s.PBX_REG_MIN_EXPIRES}) and PBX_REG_MAX_EXPIRES (${s.PBX_REG_MAX_EXPIRES})`,
      });
    }
  });

type Parsed<T> = { ok: true; value: T } | { ok: false; problems: string[] };

function parseEnv<T extends z.ZodType>(schema: T, env: Env): Parsed<z.output<T>> {
  const result = schema.safeParse(env);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => {
      const variable = typeof issue.path[0] === 'string' ? issue.path[0] : '(environment)';
      // Echo the offending value to help fix it, except the secret.
      const got = variable !== 'PBX_NONCE_SECRET' ? env[variable] : undefined;
      return `${variable}: ${issue.message}${got !== undefined ? ` (got "${got}")` : ''}`;
    }),
  };
}

function settingsError(problems: string[]): SettingsError {
  return new SettingsError(`Invalid function settings:\n  ${problems.join('\n  ')}`);
}

function valueOf<T>(parsed: Parsed<T>): T {
  if (parsed.ok) return parsed.value;
  throw settingsError(parsed.problems);
}

function toStoreSettings(s: z.output<typeof storeSchema>): StoreSettings {
  return {
    tableName: s.PBX_TABLE_NAME,
    ...(s.PBX_DYNAMODB_ENDPOINT !== undefined ? { dynamoEndpoint: s.PBX_DYNAMODB_ENDPOINT } : {}),
    region: s.AWS_REGION,
  };
}

function toRegistrarSettings(s: z.output<typeof registrarSchema>): RegistrarSettings {
  return {
    nonceSecret: s.PBX_NONCE_SECRET,
    nonceTtlSeconds: s.PBX_NONCE_TTL_SECONDS,
    minExpires: s.PBX_REG_MIN_EXPIRES,
    maxExpires: s.PBX_REG_MAX_EXPIRES,
    defaultExpires: s.PBX_REG_DEFAULT_EXPIRES,
    digestAlgorithms: s.PBX_DIGEST_ALGORITHMS,
  };
}

export function loadStoreSettings(env: Env = process.env): StoreSettings {
  return toStoreSettings(valueOf(parseEnv(storeSchema, env)));
}

export function loadRegistrarSettings(env: Env = process.env): RegistrarSettings {
  return toRegistrarSettings(valueOf(parseEnv(registrarSchema, env)));
}

/** Every setting of the functions (register needs both halves; flow-closed only the store). Reports every bad variable at once. */
export function loadSettings(env: Env = process.env): FunctionSettings {
  const store = parseEnv(storeSchema, env);
  const registrar = parseEnv(registrarSchema, env);
  const problems = [store, registrar].flatMap((p) => (p.ok ? [] : p.problems));
  if (problems.length > 0) throw settingsError(problems);
  return { ...toStoreSettings(valueOf(store)), ...toRegistrarSettings(valueOf(registrar)) };
}

/** Default port of the AWS Parameters and Secrets Lambda Extension. */
const SECRETS_EXTENSION_DEFAULT_PORT = '2773';

/**
 * In the cloud the nonce secret is no plaintext variable (anyone allowed to
 * read a function's configuration would see it): the stack keeps it in
 * Secrets Manager and passes PBX_NONCE_SECRET_ARN. This reads it through the
 * AWS Parameters and Secrets Lambda Extension (a localhost HTTP endpoint
 * authenticated with the function's session token, so no SDK client is
 * needed) and puts it in `env.PBX_NONCE_SECRET` of this process only, where
 * loadRegistrarSettings finds it. A set PBX_NONCE_SECRET wins (local runs).
 *
 * The extension answers only during an invocation, not at init, so the
 * cloud bundle calls this at the start of the first invocation
 * (infra/lambda/with-nonce-secret.ts).
 */
export async function resolveNonceSecret(env: Env = process.env, fetchSecret: typeof fetch = fetch): Promise<void> {
  if (env.PBX_NONCE_SECRET || !env.PBX_NONCE_SECRET_ARN) return;
  const port = env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT || SECRETS_EXTENSION_DEFAULT_PORT;
  const url = `http://localhost:${port}/secretsmanager/get?secretId=${encodeURIComponent(env.PBX_NONCE_SECRET_ARN)}`;
  let response: Response;
  try {
    response = await fetchSecret(url, { headers: { 'X-Aws-Parameters-Secrets-Token': env.AWS_SESSION_TOKEN ?? '' } });
  } catch (err) {
    throw new SettingsError(`PBX_NONCE_SECRET_ARN: the Parameters and Secrets extension did not answer (${(err as Error).message})`);
  }
  if (!response.ok) {
    throw new SettingsError(`PBX_NONCE_SECRET_ARN: reading ${env.PBX_NONCE_SECRET_ARN} failed with HTTP ${response.status}`);
  }
  const body = (await response.json()) as { SecretString?: unknown };
  if (typeof body.SecretString !== 'string' || body.SecretString === '') {
    throw new SettingsError(`PBX_NONCE_SECRET_ARN: ${env.PBX_NONCE_SECRET_ARN} has no SecretString`);
  }
  env.PBX_NONCE_SECRET = body.SecretString;
}

/** Variables loadRegistrarSettings reads (nonce secret and lifetime, digest algorithms, expiry limits): deps built from them are rebuilt when one changes. */
export const REGISTRAR_ENV = [
  'PBX_NONCE_SECRET',
  'PBX_NONCE_TTL_SECONDS',
  'PBX_REG_MIN_EXPIRES',
  'PBX_REG_MAX_EXPIRES',
  'PBX_REG_DEFAULT_EXPIRES',
  'PBX_DIGEST_ALGORITHMS',
] as const;
