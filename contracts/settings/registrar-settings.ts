/**
 * Digest and registrar settings of the functions that authenticate
 * (register, authorize-call). Every variable has a documented default except
 * PBX_NONCE_SECRET: the cloud passes it (or PBX_NONCE_SECRET_ARN, resolved by
 * functions/src/runtime/nonce-secret.ts), the local stack generates one into
 * its data folder.
 *
 * | Variable                 | Default       | Meaning |
 * |--------------------------|---------------|---------|
 * | PBX_NONCE_SECRET         | (required)    | HMAC key of the stateless digest nonces; every instance must share it |
 * | PBX_NONCE_TTL_SECONDS    | 300           | Age after which a nonce is answered with stale=true |
 * | PBX_REG_MIN_EXPIRES      | 60            | Below this a REGISTER gets 423 + Min-Expires (RFC 3261 §10.3 step 7) |
 * | PBX_REG_MAX_EXPIRES      | 3600          | Longer requested expirations are shortened to this |
 * | PBX_REG_DEFAULT_EXPIRES  | 3600          | Used when neither Contact expires param nor Expires header is present |
 * | PBX_DIGEST_ALGORITHMS    | MD5,SHA-256   | Digest algorithms offered, in challenge order |
 * | PBX_PRIVATE_CONTACTS     | allow         | `deny` (the cloud): registrations from private, loopback or link-local addresses, and Contacts naming loopback or link-local, are refused |
 */
import { z } from 'zod';
import type { DigestAlgorithm } from '../../sip/index.js';
import { parseEnv, valuesOrThrow, wholeNumber, type Env, type Parsed } from './env-values.js';

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
  /** PBX_PRIVATE_CONTACTS: `deny` in the cloud, where a private address is the PBX's own network (functions/src/registration/contact-policy.ts). */
  privateContacts: 'allow' | 'deny';
}

/** The registrar settings before the nonce secret is known (the local stack generates it). */
export type RegistrarOptions = Omit<RegistrarSettings, 'nonceSecret'> & { nonceSecret?: string };

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

const NONCE_SECRET_REQUIRED =
  'is required: set it to a long random string shared by every function instance (it signs digest nonces), or PBX_NONCE_SECRET_ARN in the cloud';

const registrarSchema = (secretRequired: boolean) =>
  z
    .object({
      PBX_NONCE_SECRET: z.preprocess((v) => (v === '' ? undefined : v), secretRequired ? z.string({ error: NONCE_SECRET_REQUIRED }) : z.string().optional()),
      PBX_NONCE_TTL_SECONDS: wholeNumber(300, 1),
      PBX_REG_MIN_EXPIRES: wholeNumber(60, 1),
      PBX_REG_MAX_EXPIRES: wholeNumber(3600, 1),
      PBX_REG_DEFAULT_EXPIRES: wholeNumber(3600, 1),
      PBX_DIGEST_ALGORITHMS: digestAlgorithmList,
      PBX_PRIVATE_CONTACTS: z.preprocess((v) => (v === undefined || v === '' ? 'allow' : v), z.enum(['allow', 'deny'], { error: 'must be allow or deny' })),
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

function toRegistrar(s: z.output<ReturnType<typeof registrarSchema>>): RegistrarOptions {
  return {
    ...(s.PBX_NONCE_SECRET !== undefined ? { nonceSecret: s.PBX_NONCE_SECRET } : {}),
    nonceTtlSeconds: s.PBX_NONCE_TTL_SECONDS,
    minExpires: s.PBX_REG_MIN_EXPIRES,
    maxExpires: s.PBX_REG_MAX_EXPIRES,
    defaultExpires: s.PBX_REG_DEFAULT_EXPIRES,
    digestAlgorithms: s.PBX_DIGEST_ALGORITHMS,
    privateContacts: s.PBX_PRIVATE_CONTACTS,
  };
}

/** The registrar section; `PBX_NONCE_SECRET` may be absent (see RegistrarOptions). */
export function parseRegistrarOptions(env: Env): Parsed<RegistrarOptions> {
  const parsed = parseEnv(registrarSchema(false), env);
  return parsed.ok ? { ok: true, value: toRegistrar(parsed.value) } : parsed;
}

/** The registrar section of a function that signs and checks nonces: PBX_NONCE_SECRET is required. */
export function parseRegistrarSettings(env: Env): Parsed<RegistrarSettings> {
  const parsed = parseEnv(registrarSchema(true), env);
  return parsed.ok ? { ok: true, value: toRegistrar(parsed.value) as RegistrarSettings } : parsed;
}

export function loadRegistrarSettings(env: Env = process.env): RegistrarSettings {
  return valuesOrThrow(parseRegistrarSettings(env))[0];
}

/** Variables the registrar settings read: dependencies built from them are rebuilt when one changes. */
export const REGISTRAR_ENV = [
  'PBX_NONCE_SECRET',
  'PBX_NONCE_TTL_SECONDS',
  'PBX_REG_MIN_EXPIRES',
  'PBX_REG_MAX_EXPIRES',
  'PBX_REG_DEFAULT_EXPIRES',
  'PBX_DIGEST_ALGORITHMS',
  'PBX_PRIVATE_CONTACTS',
] as const;
