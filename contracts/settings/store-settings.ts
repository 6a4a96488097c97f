/**
 * Where the PBX table is (the same variables for the edge, the local stack
 * and every Lambda function).
 *
 * | Variable              | Default    | Meaning |
 * |-----------------------|------------|---------|
 * | PBX_TABLE_NAME        | nimbus-pbx | DynamoDB table (contracts/store/tables.ts) |
 * | PBX_DYNAMODB_ENDPOINT | (AWS)      | Another endpoint: dynalite, DynamoDB Local, LocalStack, another edge's embedded store |
 * | AWS_REGION            | us-east-1  | Region of the table |
 * | PBX_DIRECTORY_CACHE_SECONDS | 5    | How long a warm function keeps a tenant or user it read (functions/src/directory/cached-directory.ts), and an edge a first 407 of authorize-call (edge/src/core/invite-challenges.ts); 0 = no cache |
 */
import { z } from 'zod';
import { parseEnv, valuesOrThrow, wholeNumber, type Env, type Parsed } from './env-values.js';

export interface StoreSettings {
  tableName: string;
  /** Set for local emulators; undefined means the regional AWS endpoint. */
  dynamoEndpoint?: string;
  region: string;
  /** PBX_DIRECTORY_CACHE_SECONDS: the bound on staleness of warm functions' directory data; absent = DEFAULT_DIRECTORY_CACHE_SECONDS. */
  directoryCacheSeconds?: number;
}

/** A password change, a deleted user or a moved domain reach a warm Lambda container (which hears no event) within this. */
export const DEFAULT_DIRECTORY_CACHE_SECONDS = 5;

export const storeSchema = z.object({
  PBX_TABLE_NAME: z.preprocess(
    (v) => (v === undefined || v === '' ? 'nimbus-pbx' : v),
    z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, { error: 'must be a valid DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -)' }),
  ),
  PBX_DYNAMODB_ENDPOINT: z.preprocess((v) => (v === '' ? undefined : v), z.url({ error: 'must be a URL such as http://127.0.0.1:8000' }).optional()),
  AWS_REGION: z.preprocess((v) => (v === undefined || v === '' ? 'us-east-1' : v), z.string()),
  PBX_DIRECTORY_CACHE_SECONDS: wholeNumber(DEFAULT_DIRECTORY_CACHE_SECONDS, 0, 3600),
});

export function parseStoreSettings(env: Env): Parsed<StoreSettings> {
  const parsed = parseEnv(storeSchema, env);
  if (!parsed.ok) return parsed;
  const s = parsed.value;
  return {
    ok: true,
    value: {
      tableName: s.PBX_TABLE_NAME,
      ...(s.PBX_DYNAMODB_ENDPOINT !== undefined ? { dynamoEndpoint: s.PBX_DYNAMODB_ENDPOINT } : {}),
      region: s.AWS_REGION,
      directoryCacheSeconds: s.PBX_DIRECTORY_CACHE_SECONDS,
    },
  };
}

export function loadStoreSettings(env: Env = process.env): StoreSettings {
  return valuesOrThrow(parseStoreSettings(env))[0];
}

/** Variables that decide which store (and which credentials) the clients use, and how long its directory reads are kept. */
export const STORE_ENV = ['PBX_TABLE_NAME', 'PBX_DYNAMODB_ENDPOINT', 'AWS_REGION', 'PBX_DIRECTORY_CACHE_SECONDS', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE'] as const;
