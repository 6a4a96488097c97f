/**
 * Load benchmark: SIPp places calls through a local stack (in this process)
 * between several user pairs (one SIPp caller per pair, all running at once);
 * each call is challenged (407), rings, is answered, ACKed and hung up, and
 * leaves a CDR. All callees are registered from one SIPp device that answers
 * everything. Prints calls/s and failures; the numbers go into docs/benchmarks.md.
 *
 *   npx tsx scripts/bench-calls.ts [calls=500] [rate=20] [pairs=10] [transport=udp]
 *
 * Flood control and the per-address authentication queue are opened up for
 * the run: every message comes from 127.0.0.1, which pike and the
 * fail-to-ban guard would otherwise treat like one flooding attacker.
 */
import { cpus } from 'node:os';
import { freePort } from '../test/support/free-port.js';
import { runSipp } from '../test/support/sipp.js';
import { runUas } from '../test/support/sipp-devices.js';
import { listCdrs } from '../test/support/store-inspect.js';
import { startTestStack } from '../test/support/test-stack.js';

const [calls = 500, rate = 20, pairs = 10] = process.argv.slice(2, 5).map(Number);
const transport = (process.argv[5] ?? 'udp') as 'udp' | 'tcp';
const DOMAIN = 'bench.test';
const callers = Array.from({ length: pairs }, (_, i) => ({ ext: String(6000 + i), password: `caller-${i}-pw` }));
const callees = Array.from({ length: pairs }, (_, i) => ({ ext: String(7000 + i), password: `callee-${i}-pw` }));

const stack = await startTestStack({
  seed: { tenants: [{ id: 'bench', domains: [DOMAIN, '127.0.0.1'], users: [...callers, ...callees] }] },
  env: { PBX_PIKE_REQUESTS: '0', PBX_AUTH_CONCURRENCY_PER_ADDRESS: '64', PBX_AUTH_QUEUE_PER_ADDRESS: '10000' },
});
try {
  const target = `127.0.0.1:${stack.sipPort}`;
  const devicePort = await freePort();
  for (const callee of callees) {
    const registered = await runSipp({
      scenario: 'register-auth.xml', transport, target, service: callee.ext, authUser: callee.ext, password: callee.password,
      vars: { domain: DOMAIN, expires: '600' }, localPort: devicePort,
    });
    if (registered.code !== 0) throw new Error(`registering ${callee.ext} failed: ${registered.stderr}`);
  }
  const stopDevice = new AbortController();
  const uas = runUas(target, { ext: 'bench', port: devicePort, transport }, 'uas-answer.xml', undefined, stopDevice.signal, calls);
  await new Promise((r) => setTimeout(r, 500));
  const started = process.hrtime.bigint();
  const perPair = Math.ceil(calls / pairs);
  const runs = await Promise.all(
    callers.map((caller, i) =>
      runSipp({
        scenario: 'uac-call.xml', transport, target, service: callees[i].ext, authUser: caller.ext, password: caller.password,
        vars: { domain: DOMAIN, caller: caller.ext, talk: '0' }, calls: perPair, rate: rate / pairs,
        timeoutSeconds: 60 + Math.ceil((perPair * pairs) / rate) * 2,
      }),
    ),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  // The device stops once every call it saw is done; give stragglers 3 s.
  const device = await Promise.race([uas, new Promise<{ code: null }>((r) => setTimeout(() => { stopDevice.abort(); r({ code: null }); }, 3000))]);
  const count = (re: RegExp) => runs.reduce((sum, run) => sum + Number(re.exec(run.stdout)?.[1] ?? NaN), 0);
  const ok = count(/Successful call\s*\|\s*\d+\s*\|\s*(\d+)/);
  const failed = count(/Failed call\s*\|\s*\d+\s*\|\s*(\d+)/);
  await new Promise((r) => setTimeout(r, 1000));
  const cdrs = (await listCdrs(stack, 'bench')).filter((c) => c.state === 'closed' && c.disposition === 'answered').length;
  console.log(JSON.stringify({
    transport, calls: perPair * pairs, offeredRate: rate, userPairs: pairs, seconds: Number(seconds.toFixed(2)), successful: ok, failed,
    completedPerSecond: Number((ok / seconds).toFixed(1)), answeredCdrs: cdrs, sippExits: [...new Set(runs.map((r) => r.code))], deviceExit: device.code,
    cpu: cpus()[0]?.model, cores: cpus().length, node: process.version,
  }, null, 2));
  if (failed > 0) console.error(runs.flatMap((run) => run.stderr.split('\n')).filter((l) => /Aborting|unexpected|timeout/i.test(l)).slice(0, 5).join('\n'));
} finally {
  await stack.dispose();
}
