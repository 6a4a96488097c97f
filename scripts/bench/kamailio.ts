/**
 * The reference server of the benchmarks: Kamailio (Debian `kamailio`, 5.6)
 * started from one of the configs next to this file, on a free loopback UDP
 * port, in the foreground so it dies with the benchmark.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../../test/support/free-port.js';

export interface RunningKamailio {
  port: number;
  stop(): void;
}

export const kamailioInstalled = (): boolean => spawnSync('sh', ['-c', 'command -v kamailio']).status === 0;

/** Starts `cfg` with the `-A` defines given (e.g. WITH_AUTH); undefined when kamailio is not installed. */
export async function startKamailio(cfg: string, dir: string, defines: string[] = []): Promise<RunningKamailio | undefined> {
  if (!kamailioInstalled()) return undefined;
  const port = await freePort();
  const args = ['-f', cfg, '-DD', '-E', '-l', `udp:127.0.0.1:${port}`, '-P', join(dir, `kamailio-${port}.pid`), '-w', dir];
  for (const define of defines) args.push('-A', define);
  const kamailio = spawn('kamailio', args, { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 1500));
  return { port, stop: () => kamailio.kill('SIGTERM') };
}
