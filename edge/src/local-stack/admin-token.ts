import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface AdminToken {
  token: string;
  /** 'env': PBX_ADMIN_TOKEN; 'file': kept in the data folder (generated on an earlier start); 'generated': created now. */
  source: 'env' | 'file' | 'generated';
}

/**
 * The local stack's admin API token (Authorization: Bearer …). PBX_ADMIN_TOKEN
 * wins; otherwise one is generated on the first start and kept in the data
 * folder (owner-readable only), so it survives restarts like the nonce secret.
 */
export async function loadAdminToken(dataDir: string, fromEnv: string | undefined): Promise<AdminToken> {
  if (fromEnv) return { token: fromEnv, source: 'env' };
  const file = join(dataDir, 'admin-token');
  try {
    const existing = (await readFile(file, 'utf8')).trim();
    if (existing.length >= 32) return { token: existing, source: 'file' };
  } catch {
    // first start: create it below
  }
  const token = randomBytes(32).toString('base64url');
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  return { token, source: 'generated' };
}
