import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { startPbxProcess, waitHealthy, type PbxProcess } from '../support/pbx-process.js';
import { TEST_SEED } from '../support/test-stack.js';
import { fuzzEdge } from './fuzz-runner.js';
import { residentMiB } from './process-memory.js';

const FUZZER = '127.0.0.200';
/** CI size; scripts/fuzz-edge.ts runs the big one. FUZZ_SEED reproduces a failing run. */
const SEED = Number(process.env.FUZZ_SEED ?? 4475);
const BATCHES = 20;

/**
 * Mutation fuzzing of a running edge (its own process, as `npm start` runs
 * it): thousands of corrupted real messages over UDP and TCP; after every
 * batch a valid OPTIONS must still get 200, and at the end the process is
 * alive, healthy, and its memory back near where it was after warm-up.
 */
describe('mutation fuzz of a running edge', () => {
  let pbx: PbxProcess;
  let dataDir: string;
  let sipPort: number;
  let httpPort: number;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'nimbus-fuzz-'));
    const seedFile = join(dataDir, 'seed.json');
    // The fuzzer is whitelisted: its corrupted REGISTERs must keep reaching the functions, not get it banned.
    await writeFile(seedFile, JSON.stringify({ ...TEST_SEED, system: { f2b: { whitelist: [FUZZER] } } }));
    sipPort = await freePort();
    httpPort = await freePort();
    pbx = startPbxProcess({ PBX_SIP_PORT: String(sipPort), PBX_HTTP_PORT: String(httpPort), PBX_DATA_DIR: dataDir, PBX_SEED: seedFile, PBX_LOG_LEVEL: 'error' });
    await waitHealthy(httpPort, pbx);
  });
  afterAll(async () => {
    await pbx?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it(`answers a valid OPTIONS after every batch of corrupted messages and keeps its memory (seed ${SEED})`, async () => {
    const samples: number[] = [];
    const stats = await fuzzEdge({
      host: '127.0.0.1',
      port: sipPort,
      fuzzFrom: FUZZER,
      checkFrom: '127.0.0.1',
      batches: BATCHES,
      udpPerBatch: 300,
      tcpPerBatch: 20,
      seed: SEED,
      onBatch: async () => void samples.push(await residentMiB(pbx.child.pid!)),
    });
    expect(stats.failedChecks, `batches after which OPTIONS went unanswered (seed ${SEED})`).toEqual([]);
    expect(stats.sent).toBeGreaterThanOrEqual(BATCHES * 390);
    expect(stats.udpAnswers).toBeGreaterThan(0); // the edge did answer what it could (400s, challenges…)
    expect(pbx.child.exitCode).toBeNull();
    expect((await fetch(`http://127.0.0.1:${httpPort}/healthz`)).status).toBe(200);

    // Memory: after the warm-up batches the edge must not keep what the fuzz left behind.
    const baseline = samples[1]!;
    await new Promise((r) => setTimeout(r, 2000));
    const after = await residentMiB(pbx.child.pid!);
    expect(after, `RSS ${samples.map(Math.round).join(' → ')} → ${Math.round(after)} MiB`).toBeLessThan(baseline + 64);
  }, 120_000);
});
