import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

export interface PbxProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts the PBX the way `npm start` does (tsx edge/src/main.ts), as a child process.
 * `nodeArgs` go before the script (a benchmark's `--inspect`, `--max-old-space-size`).
 */
export function startPbxProcess(env: Record<string, string>, options: { nodeArgs?: string[] } = {}): PbxProcess {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', 'edge/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PBX_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return {
    child,
    output: () => out,
    exited,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Waits until /healthz answers 200 (or the process dies). */
export async function waitHealthy(httpPort: number, pbx: PbxProcess, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (pbx.child.exitCode !== null) throw new Error(`PBX exited early:\n${pbx.output()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${httpPort}/healthz`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`PBX not healthy within ${timeoutMs} ms:\n${pbx.output()}`);
}
