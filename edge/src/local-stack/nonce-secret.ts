import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The HMAC key of the stateless digest nonces. Every edge and function that
 * shares a store must share it, and it must survive restarts (or every phone
 * gets a needless re-challenge), so the local stack keeps it in the data
 * folder, readable by its owner only. PBX_NONCE_SECRET overrides it.
 */
export async function loadNonceSecret(dataDir: string, fromEnv: string | undefined): Promise<string> {
  if (fromEnv) return fromEnv;
  const file = join(dataDir, 'nonce-secret');
  try {
    const existing = (await readFile(file, 'utf8')).trim();
    if (existing.length >= 32) return existing;
  } catch {
    // first start: create it below
  }
  const secret = randomBytes(32).toString('base64url');
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
