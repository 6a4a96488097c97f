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

/** Room for the ladder's AORs (about 1.2 kB each in usrloc): a 16,000/s rung of 8 s and the rungs before it. */
const KAMAILIO_SHM_MB = 1024;

export const kamailioInstalled = (): boolean => spawnSync('sh', ['-c', 'command -v kamailio']).status === 0;

/** Starts `cfg` with the `-A` defines given (e.g. WITH_AUTH); undefined when kamailio is not installed. */
export async function startKamailio(cfg: string, dir: string, defines: string[] = []): Promise<RunningKamailio | undefined> {
  if (!kamailioInstalled()) return undefined;
  const port = await freePort();
  // -m: shared memory in MB. The default 64 MB holds about 56,000 in-memory
  // registrations; past that usrloc cannot allocate and every save is a 500,
  // which a REGISTER ladder (a new AOR per registration) reaches within its
  // first rungs and would report as Kamailio's ceiling.
  const args = ['-f', cfg, '-DD', '-E', '-m', String(KAMAILIO_SHM_MB), '-l', `udp:127.0.0.1:${port}`, '-P', join(dir, `kamailio-${port}.pid`), '-w', dir];
  for (const define of defines) args.push('-A', define);
  const kamailio = spawn('kamailio', args, { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 1500));
  return { port, stop: () => kamailio.kill('SIGTERM') };
}
