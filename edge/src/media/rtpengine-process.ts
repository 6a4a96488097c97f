/**
 * `npm start` runs rtpengine (Debian `rtpengine-daemon`) as a child process
 * in userspace mode (`--table=-1`: no kernel module, no root needed beyond
 * binding its ports), the way a laptop PBX needs it. In the cloud it is a
 * sidecar instead (infra, PBX_RTPENGINE_NG) and this file is not used.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { MediaSettings } from '../../../contracts/settings/media-settings.js';
import type { Logger } from '../logger.js';
import { RtpengineNg } from './rtpengine-ng.js';

export interface RtpengineChild {
  ng: { host: string; port: number };
  stop(): Promise<void>;
}

/**
 * rtpengine does not notice its parent dying: a PBX killed with SIGKILL (or
 * crashing) would leave it holding its ports. So a shell starts it and
 * watches our end of a pipe: when the pipe closes — a clean stop, a crash,
 * SIGKILL — the shell stops rtpengine; the shell's exit status is rtpengine's.
 */
// The pipe is kept on fd 3: a background job's stdin would be /dev/null (POSIX, without job control).
const WATCHDOG = 'exec 3<&0; bin="$1"; shift; "$bin" "$@" </dev/null 3<&- & pid=$!; (read -r _ <&3; kill -TERM "$pid" 2>/dev/null) & exec 3<&-; wait "$pid"';

/** On PATH, like any command (Debian's rtpengine-daemon puts it in /usr/bin). */
export function findRtpengine(path = process.env.PATH ?? ''): string | undefined {
  return path
    .split(delimiter)
    .filter(Boolean)
    .map((d) => join(d, 'rtpengine'))
    .find((file) => existsSync(file));
}

/** The command line: userspace, no config file of the system's, sessions freed at once on delete (the reaper and the tests rely on it). */
export function rtpengineArgs(media: MediaSettings, ngPort: number, pidFile: string, dialogMaxSeconds: number): string[] {
  const iface = media.advertised === media.interface ? media.interface : `${media.interface}!${media.advertised}`;
  return [
    '--config-file=none',
    '--table=-1',
    `--interface=${iface}`,
    `--listen-ng=127.0.0.1:${ngPort}`,
    `--port-min=${media.portMin}`,
    `--port-max=${media.portMax}`,
    '--delete-delay=0',
    // No RTP for a minute (a phone that vanished without BYE) ends the session; no call outlives the longest dialog.
    '--timeout=60',
    `--final-timeout=${dialogMaxSeconds}`,
    `--pidfile=${pidFile}`,
    '--foreground',
    '--log-stderr',
    '--log-level=4',
  ];
}

/**
 * Starts rtpengine and waits until it answers an ng ping. Returns undefined
 * (after saying so) when it is not installed: the PBX runs, and calls that
 * need the bridge are refused with 488.
 */
export async function startRtpengine(media: MediaSettings, dataDir: string, dialogMaxSeconds: number, logger: Logger): Promise<RtpengineChild | undefined> {
  const binary = findRtpengine();
  if (!binary) {
    logger.warn(
      'rtpengine is not installed: calls between a browser and a desk phone or carrier will be refused with 488 (install Debian package rtpengine-daemon, or set PBX_RTPENGINE_NG)',
    );
    return undefined;
  }
  const pidFile = join(dataDir, 'rtpengine.pid');
  await stopLeftover(pidFile, logger);
  const ngPort = await freeUdpPort();
  const child = spawn('/bin/sh', ['-c', WATCHDOG, 'rtpengine-watchdog', binary, ...rtpengineArgs(media, ngPort, pidFile, dialogMaxSeconds)], {
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ng = { host: '127.0.0.1', port: ngPort };
  try {
    await waitForPong(ng, exited);
  } catch (err) {
    await stopChild(child, exited, pidFile);
    throw new Error(`rtpengine did not start (${(err as Error).message}): ${stderr.trim().split('\n').slice(-5).join(' | ')}`);
  }
  let stopping = false;
  child.once('exit', (code, signal) => {
    if (!stopping) logger.error({ code, signal }, 'rtpengine stopped: calls that need the media bridge get 488 until the PBX restarts');
  });
  logger.info({ ng: `${ng.host}:${ng.port}`, interface: media.interface, advertised: media.advertised, ports: `${media.portMin}-${media.portMax}` }, 'media bridge (rtpengine) started');
  return {
    ng,
    stop: async () => {
      stopping = true;
      await stopChild(child, exited, pidFile);
      await rm(pidFile, { force: true });
    },
  };
}

async function waitForPong(ng: { host: string; port: number }, exited: Promise<number | null>): Promise<void> {
  const probe = new RtpengineNg(ng.host, ng.port, 300);
  let gone = false;
  void exited.then(() => (gone = true));
  try {
    for (let attempt = 0; attempt < 40; attempt++) {
      if (gone) throw new Error('it exited');
      try {
        await probe.ping();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error('no answer to ng ping within 12 s');
  } finally {
    probe.close();
  }
}

/** A PBX killed without its shutdown leaves its rtpengine running: the next start ends it (it holds our ports). */
async function stopLeftover(pidFile: string, logger: Logger): Promise<void> {
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 1) return;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!cmdline.includes('rtpengine') || !cmdline.includes(pidFile)) return;
  logger.warn({ pid }, 'stopping the rtpengine a previous run left behind');
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 30 && existsSync(`/proc/${pid}`); i++) await new Promise((r) => setTimeout(r, 100));
}

/** Closing the watchdog's pipe stops rtpengine (SIGTERM); one that will not stop is killed by its pid file after 3 s. */
async function stopChild(child: ChildProcess, exited: Promise<unknown>, pidFile: string): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.stdin?.end();
  const timer = setTimeout(() => {
    void readFile(pidFile, 'utf8').then(
      (pid) => {
        try {
          process.kill(Number(pid.trim()), 'SIGKILL');
        } catch {
          // already gone
        }
      },
      () => undefined,
    );
    child.kill('SIGKILL');
  }, 3_000);
  await exited;
  clearTimeout(timer);
}

function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}
