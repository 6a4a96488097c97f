import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { startPbxProcess, waitHealthy } from '../support/pbx-process.js';
import { hasTool } from '../support/require-tool.js';
import { TEST_SEED } from '../support/test-stack.js';

/** Running, not a zombie waiting for its parent to reap it. */
const alive = (pid: number) => existsSync(`/proc/${pid}`) && !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));

/** `npm start` and its rtpengine (issue #16): a child that starts and stops with the PBX, and a clear word when there is none. */
describe('the media bridge of npm start', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let httpPort: number;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'nimbus-media-proc-'));
    const seedFile = join(dataDir, 'seed.json');
    await writeFile(seedFile, JSON.stringify(TEST_SEED));
    httpPort = await freePort();
    env = {
      PBX_SIP_PORT: String(await freePort()),
      PBX_HTTP_PORT: String(httpPort),
      PBX_STORE_PORT: String(await freePort()),
      PBX_DATA_DIR: dataDir,
      PBX_SEED: seedFile,
      PBX_RTP_PORT_MIN: '42000',
      PBX_RTP_PORT_MAX: '42099',
    };
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });
  const rtpenginePid = async () => Number(await readFile(join(dataDir, 'rtpengine.pid'), 'utf8'));

  it.runIf(hasTool('rtpengine'))('starts rtpengine as its child, names it in the banner, and stops it on SIGTERM and when the PBX is killed', async () => {
    const first = startPbxProcess(env);
    await waitHealthy(httpPort, first);
    expect(first.output()).toMatch(/Media bridge\s+rtpengine \(ng 127\.0\.0\.1:\d+\)/);
    const firstPid = await rtpenginePid();
    expect(alive(firstPid)).toBe(true);
    expect(await first.stop()).toBe(0);
    expect(alive(firstPid)).toBe(false);

    // Killed without its shutdown (SIGKILL, a crash): the watchdog sees the pipe close and stops rtpengine too.
    const killed = startPbxProcess(env);
    await waitHealthy(httpPort, killed);
    const orphan = await rtpenginePid();
    killed.child.kill('SIGKILL');
    await killed.exited;
    await expect.poll(() => alive(orphan), { timeout: 5_000 }).toBe(false);
  }, 60_000);

  it.runIf(hasTool('rtpengine'))('ends an rtpengine a previous run left behind in its data folder before starting its own', async () => {
    const leftover = spawn('rtpengine', ['--config-file=none', '--table=-1', '--interface=127.0.0.1', '--listen-ng=127.0.0.1:' + (await freePort()),
      '--port-min=42100', '--port-max=42199', `--pidfile=${join(dataDir, 'rtpengine.pid')}`, '--foreground'], { stdio: 'ignore' });
    await expect.poll(() => rtpenginePid().catch(() => 0), { timeout: 5_000 }).toBe(leftover.pid);
    const next = startPbxProcess(env);
    try {
      await waitHealthy(httpPort, next);
      expect(alive(leftover.pid!)).toBe(false);
      const own = await rtpenginePid();
      expect(own).not.toBe(leftover.pid);
      expect(alive(own)).toBe(true);
    } finally {
      leftover.kill('SIGKILL');
      expect(await next.stop()).toBe(0);
    }
  }, 60_000);

  it('without rtpengine installed it starts anyway and says that browser ↔ desk phone calls will get 488', async () => {
    // No rtpengine on this PATH (node itself is started by its full path).
    const pbx = startPbxProcess({ ...env, PATH: '/nonexistent' });
    try {
      await waitHealthy(httpPort, pbx);
      expect(pbx.output()).toContain('rtpengine is not installed: calls between a browser and a desk phone or carrier will be refused with 488');
      expect(pbx.output()).toMatch(/Media bridge\s+none: browser ↔ desk phone calls get 488/);
    } finally {
      expect(await pbx.stop()).toBe(0);
    }
  }, 30_000);

  it('refuses a port range too small for one call, naming the setting', async () => {
    const pbx = startPbxProcess({ ...env, PBX_RTP_PORT_MIN: '42000', PBX_RTP_PORT_MAX: '42001' });
    expect(await pbx.exited).not.toBe(0);
    expect(pbx.output()).toContain('PBX_RTP_PORT_MAX');
  }, 30_000);
});
