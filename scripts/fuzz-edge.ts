/**
 * The big mutation-fuzz run of the edge (docs/security.md). The CI test
 * (test/hostile/mutation-fuzz.test.ts) sends 8 000 corrupted messages;
 * this sends as many as you ask, reports progress and the edge's memory,
 * then waits for the edge's transactions to end (RFC 3261 Timer J, 32 s)
 * and checks that memory came back.
 *
 *   npx tsx scripts/fuzz-edge.ts                          # 200 batches × (500 UDP + 50×5 TCP) ≈ 150 000 messages
 *   npx tsx scripts/fuzz-edge.ts --batches 1000 --seed 7  # longer; a failure prints the seed and batch to replay
 *   npx tsx scripts/fuzz-edge.ts --target 127.0.0.1:5060  # against an edge you started (no memory check)
 *
 * Only loopback addresses are used. Exit code 1 when a check OPTIONS went
 * unanswered, the edge died, or memory stayed more than --max-growth MiB
 * above the warmed-up level.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fuzzEdge } from '../test/hostile/fuzz-runner.js';
import { residentMiB } from '../test/hostile/process-memory.js';
import { freePort } from '../test/support/free-port.js';
import { startPbxProcess, waitHealthy, type PbxProcess } from '../test/support/pbx-process.js';
import { TEST_SEED } from '../test/support/test-stack.js';

const FUZZER = '127.0.0.200';

const { values } = parseArgs({
  options: {
    batches: { type: 'string', default: '200' },
    udp: { type: 'string', default: '500' },
    tcp: { type: 'string', default: '50' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
    target: { type: 'string' },
    'max-growth': { type: 'string', default: '64' },
    'settle-seconds': { type: 'string', default: '40' },
  },
});

async function main(): Promise<number> {
  const seed = Number(values.seed);
  let pbx: PbxProcess | undefined;
  let dataDir: string | undefined;
  let host = '127.0.0.1';
  let port: number;
  let httpPort: number | undefined;
  if (values.target) {
    const [h, p] = values.target.split(':');
    host = h!;
    port = Number(p);
    console.log(`fuzzing ${host}:${port} (whitelist ${FUZZER} in its seed's system.f2b to keep fail-to-ban out of the way)`);
  } else {
    dataDir = await mkdtemp(join(tmpdir(), 'nimbus-fuzz-'));
    const seedFile = join(dataDir, 'seed.json');
    await writeFile(seedFile, JSON.stringify({ ...TEST_SEED, system: { f2b: { whitelist: [FUZZER] } } }));
    port = await freePort();
    httpPort = await freePort();
    pbx = startPbxProcess({ PBX_SIP_PORT: String(port), PBX_HTTP_PORT: String(httpPort), PBX_DATA_DIR: dataDir, PBX_SEED: seedFile, PBX_LOG_LEVEL: 'error' });
    await waitHealthy(httpPort, pbx);
    console.log(`edge started (pid ${pbx.child.pid}) on ${host}:${port}`);
  }
  const memory = async () => (pbx?.child.pid ? Math.round(await residentMiB(pbx.child.pid)) : undefined);
  const samples: number[] = [];
  const started = Date.now();
  try {
    const stats = await fuzzEdge({
      host, port, fuzzFrom: FUZZER, checkFrom: '127.0.0.1', seed,
      batches: Number(values.batches), udpPerBatch: Number(values.udp), tcpPerBatch: Number(values.tcp),
      onBatch: async (batch, s) => {
        const rss = await memory();
        if (rss !== undefined) samples.push(rss);
        if (batch % 10 === 0 || s.failedChecks.includes(batch)) {
          console.log(`batch ${batch}: ${s.sent} sent, ${s.udpAnswers} UDP answers, ${s.failedChecks.length} failed checks${rss !== undefined ? `, RSS ${rss} MiB` : ''}`);
        }
        if (pbx && pbx.child.exitCode !== null) throw new Error(`the edge died after batch ${batch} (seed ${seed}):\n${pbx.output()}`);
      },
    });
    console.log(`done: ${stats.sent} corrupted messages in ${Math.round((Date.now() - started) / 1000)} s, seed ${seed}`);
    let ok = stats.failedChecks.length === 0;
    if (!ok) console.log(`OPTIONS went unanswered after batches ${stats.failedChecks.join(', ')} (replay: --seed ${seed})`);
    if (pbx && httpPort !== undefined) {
      const settle = Number(values['settle-seconds']);
      console.log(`waiting ${settle} s for the edge's transactions to end (Timer J) …`);
      await new Promise((r) => setTimeout(r, settle * 1000));
      const after = (await memory())!;
      const warmed = samples[Math.min(1, samples.length - 1)]!;
      const grew = after - warmed;
      console.log(`RSS: ${warmed} MiB after warm-up, peak ${Math.max(...samples)} MiB, ${after} MiB after settling (${grew >= 0 ? '+' : ''}${grew} MiB)`);
      const healthy = (await fetch(`http://127.0.0.1:${httpPort}/healthz`)).status === 200;
      if (!healthy) console.log('the edge is not healthy');
      ok = ok && healthy && grew <= Number(values['max-growth']);
    }
    console.log(ok ? 'PASS' : 'FAIL');
    return ok ? 0 : 1;
  } finally {
    await pbx?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
