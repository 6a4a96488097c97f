/**
 * Every PBX_ variable in one place: the edge's, the store's, the
 * registrar's, the bus's and the admin token. Both entry points (the local
 * stack and the cloud edge) load it once; a bad environment stops the start
 * with ONE error naming every bad variable. The local stack hands the
 * function sections to its in-process functions directly (no process.env
 * writes); Lambda functions read the same sections from their own
 * environment (functions/src/runtime/functions-runtime.ts).
 */
import { z } from 'zod';
import { parseBusSettings, type BusSettings } from './bus-settings.js';
import { parseEdgeSettings, type EdgeSettings } from './edge-settings.js';
import { optionalString, parseEnv, valuesOrThrow, type Env, type Parsed } from './env-values.js';
import { parseRegistrarOptions, type RegistrarOptions } from './registrar-settings.js';
import { parseStoreSettings, type StoreSettings } from './store-settings.js';
import { parseOpsSettings, type OpsSettings } from './ops-settings.js';
import { parseMediaSettings, type MediaSettings } from './media-settings.js';

export interface PbxSettings {
  edge: EdgeSettings;
  store: StoreSettings;
  /** The nonce secret may be absent: the local stack generates one (the cloud edge requires it). */
  registrar: RegistrarOptions;
  bus: BusSettings;
  /** Metrics access and SIP capture (ops-settings.ts). */
  ops: OpsSettings;
  /** The media bridge (media-settings.ts, docs/media.md). */
  media: MediaSettings;
  /** PBX_ADMIN_TOKEN: the system token of the admin API (the local stack generates one when unset). */
  adminToken?: string;
}

function parseAdminToken(env: Env): Parsed<string | undefined> {
  const parsed = parseEnv(z.object({ PBX_ADMIN_TOKEN: optionalString }), env);
  return parsed.ok ? { ok: true, value: parsed.value.PBX_ADMIN_TOKEN } : parsed;
}

export function loadSettings(env: Env = process.env): PbxSettings {
  const [edge, store, registrar, bus, ops, media, adminToken] = valuesOrThrow(
    parseEdgeSettings(env),
    parseStoreSettings(env),
    parseRegistrarOptions(env),
    parseBusSettings(env),
    parseOpsSettings(env),
    parseMediaSettings(env, env.PBX_BIND || '127.0.0.1'),
    parseAdminToken(env),
  );
  return { edge, store, registrar, bus, ops, media, ...(adminToken !== undefined ? { adminToken } : {}) };
}
