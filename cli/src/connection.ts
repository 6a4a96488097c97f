/**
 * Where the admin API is and which token to send, in this order:
 * the flags (--url, --token), the environment (NIMBUS_URL, NIMBUS_TOKEN),
 * then the local stack: http://127.0.0.1:<PBX_HTTP_PORT or 8080>/api and the
 * admin token it keeps in its data folder (<PBX_DATA_DIR or ./.pbx-data>/admin-token),
 * so `npx nimbus …` in the folder where `npm start` runs needs nothing else.
 *
 * A URL without a path gets /api (the local stack's mount); give the full
 * base for the cloud's API (its stage URL up to, not including, /v1).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface Connection {
  /** Base of the API without /v1, no trailing slash. */
  baseUrl: string;
  token: string;
  /** Where the token came from, for error messages. */
  tokenSource: string;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export function apiBase(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--url: not a URL: ${url} (e.g. http://127.0.0.1:8080)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError(`--url: must be http(s): ${url}`);
  const path = parsed.pathname.replace(/\/+$/, '');
  return `${parsed.origin}${path === '' ? '/api' : path}`;
}

export function resolveConnection(flags: { url?: string; token?: string }, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Connection {
  const baseUrl = apiBase(flags.url ?? env.NIMBUS_URL ?? `http://127.0.0.1:${env.PBX_HTTP_PORT || '8080'}`);
  if (flags.token) return { baseUrl, token: flags.token, tokenSource: '--token' };
  if (env.NIMBUS_TOKEN) return { baseUrl, token: env.NIMBUS_TOKEN, tokenSource: 'NIMBUS_TOKEN' };
  const file = join(resolve(cwd, env.PBX_DATA_DIR || '.pbx-data'), 'admin-token');
  try {
    const token = readFileSync(file, 'utf8').trim();
    if (token !== '') return { baseUrl, token, tokenSource: file };
  } catch {
    // no local stack here
  }
  throw new UsageError(`no token: pass --token, set NIMBUS_TOKEN, or run in the folder of a local stack (${file} not found)`);
}
