import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const repoRoot = resolve(import.meta.dirname, '../..');

/**
 * Builds web-softphone/dist with Vite (about a second), so the tests drive
 * exactly what `npm start` serves; the edge picks dist/ up when it starts.
 */
export function buildSoftphone(): void {
  execFileSync(process.execPath, [resolve(repoRoot, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web-softphone/vite.config.ts'], {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
