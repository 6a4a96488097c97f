import { execFileSync } from 'node:child_process';

/**
 * Integration tests need real peers (SIPp, …). On a developer machine a
 * missing tool skips those tests with a hint; in CI (CI=true) it fails them,
 * so a broken `.ci/run` can never turn the suite silently green.
 */
export function hasTool(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.CI === 'true') {
      throw new Error(`${command} is required in CI but not installed (see .ci/run)`);
    }
    console.warn(`skipping tests that need ${command}: not installed (apt-get install it, see .ci/run)`);
    return false;
  }
}
