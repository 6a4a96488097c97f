import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BanView } from '../../functions/src/fail-to-ban/ban-admin.js';
import { freePort } from '../support/free-port.js';
import { startPbxProcess, waitHealthy, type PbxProcess } from '../support/pbx-process.js';
import { udpClient, type RawSipClient } from '../support/raw-sip-client.js';
import { startTestStack, TEST_SEED, type TestStack } from '../support/test-stack.js';
import { answers, optionsRequest, registerAttempt, waitFor } from './f2b-support.js';

const ROOT = resolve(import.meta.dirname, '../..');
const ATTACKER = '127.0.0.65';

/** `npm run bans -- <args>` (functions/src/fail-to-ban/cli.ts) against a store. */
async function bansCli(args: string[], endpoint: string): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'functions/src/fail-to-ban/cli.ts', ...args, '--endpoint', endpoint], { cwd: ROOT });
    return { code: 0, stdout };
  } catch (err) {
    const e = err as { code?: number; stdout?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? '' };
  }
}

/**
 * Bans live in the store, so every edge honours them: edge A (in this
 * process) bans a cracker; edge B (its own process, sharing A's store, no
 * shared bus) learns of it by polling within seconds; an admin lifts it with
 * the CLI and both edges serve the address again.
 */
describe('a ban reaches every edge that shares the store', () => {
  let edgeA: TestStack;
  let edgeB: PbxProcess;
  let sipPortB: number;
  let dataDirB: string;
  const clients: RawSipClient[] = [];
  const optionsTo = async (port: number, from: string, timeoutMs = 500) => {
    const client = await udpClient('127.0.0.1', port, from);
    clients.push(client);
    return (await answers(client, optionsRequest('UDP', from, client.localPort), timeoutMs))?.status;
  };

  beforeAll(async () => {
    edgeA = await startTestStack({ env: { PBX_EDGE_ID: 'edge-a' } });
    dataDirB = await mkdtemp(join(tmpdir(), 'nimbus-edge-b-'));
    const seedFile = join(dataDirB, 'seed.json');
    await writeFile(seedFile, JSON.stringify(TEST_SEED));
    sipPortB = await freePort();
    const httpPortB = await freePort();
    edgeB = startPbxProcess({
      PBX_SIP_PORT: String(sipPortB),
      PBX_HTTP_PORT: String(httpPortB),
      PBX_DATA_DIR: dataDirB,
      PBX_SEED: seedFile,
      PBX_EDGE_ID: 'edge-b',
      PBX_DYNAMODB_ENDPOINT: edgeA.storeEndpoint,
      PBX_NONCE_SECRET: edgeA.nonceSecret,
    });
    await waitHealthy(httpPortB, edgeB);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await edgeB?.stop();
    await edgeA?.dispose();
    if (dataDirB) await rm(dataDirB, { recursive: true, force: true });
  });

  it('edge B drops an address banned through edge A within a poll interval; the CLI lists the ban and lifting it restores both edges', async () => {
    expect(await optionsTo(sipPortB, ATTACKER, 1500)).toBe(200);

    const attacker = await udpClient('127.0.0.1', edgeA.sipPort, ATTACKER);
    clients.push(attacker);
    for (let i = 0; i < 5; i++) await registerAttempt(attacker, ATTACKER, { user: '1001', password: `guess-${i}` }, 1000);
    const bannedAt = Date.now();

    // Edge B got no event (another process): it learns by polling the store (PBX_BAN_POLL_SECONDS, 2 s).
    await waitFor(async () => (await optionsTo(sipPortB, ATTACKER, 300)) === undefined, 5000);
    expect(Date.now() - bannedAt).toBeLessThan(5000);
    expect(await optionsTo(sipPortB, '127.0.0.1', 1500)).toBe(200);
    expect(await optionsTo(edgeA.sipPort, ATTACKER)).toBeUndefined();

    const listed = await bansCli(['list', '--json'], edgeA.storeEndpoint);
    expect(listed.code).toBe(0);
    const bans = JSON.parse(listed.stdout) as BanView[];
    expect(bans).toContainEqual(expect.objectContaining({ address: ATTACKER, active: true, failures: 5, reason: '5 failed authentications within 60 s' }));
    expect((await bansCli(['list'], edgeA.storeEndpoint)).stdout).toMatch(new RegExp(`^${ATTACKER.replaceAll('.', '\\.')}\\s+\\S+Z\\s+\\S+Z\\s+2h59m`, 'm'));

    const lifted = await bansCli(['lift', ATTACKER], edgeA.storeEndpoint);
    expect(lifted).toMatchObject({ code: 0, stdout: expect.stringContaining(`lifted the ban of ${ATTACKER}`) });
    await waitFor(async () => (await optionsTo(sipPortB, ATTACKER, 300)) === 200, 5000);
    await waitFor(async () => (await optionsTo(edgeA.sipPort, ATTACKER, 300)) === 200, 5000);
    expect(await bansCli(['lift', ATTACKER], edgeA.storeEndpoint)).toMatchObject({ code: 1, stdout: expect.stringContaining('is not banned') });
  });
});
