/**
 * Call benchmark (issue 14): complete calls through the local stack (in this
 * process) at a rate ladder, then through Kamailio (stateful proxy,
 * in-memory location, 2 UDP workers) with the same SIPp scenarios in the
 * same run. Prints JSON: per mode and server the rungs, the clean rate, the
 * INVITE→180 latency percentiles at half the clean rate, the cost per
 * completed call (function invokes by function, store requests by
 * operation, from the stack's own /metrics) and the ratio of the clean rates.
 *
 *   npx tsx scripts/bench-calls.ts [start rate=10] [seconds per rung=5] [user pairs=50] [modes=authenticated,unauthenticated]
 *
 * Modes:
 * - authenticated: INVITE, 407, INVITE with credentials, 180, 200, ACK, BYE,
 *   200, and the CDR written (scripts/bench/call-uac-digest.xml); Kamailio
 *   challenges the same way (-A WITH_AUTH).
 * - unauthenticated: the PBX has no setting that lets a user call without
 *   the 407 (and this benchmark adds none). The one INVITE it routes
 *   unchallenged is an inbound call from an IP-trusted trunk (known by source
 *   address and port) to a DID, so that is what this mode measures: the
 *   SIPp caller sends from the trunk's port to DIDs mapped to the callees
 *   (scripts/bench/call-uac.xml). Kamailio routes the same calls without
 *   proxy authentication. Its cost includes the trunk's (absent, so
 *   unlimited) incoming-call accounting.
 *
 * The ladder doubles from the start rate while a rung is clean (0 failed,
 * under 1 % retransmissions, at least 95 % of the offered rate achieved;
 * scripts/bench/sipp-ladder.ts). Kamailio starts at Nimbus's clean rate (its
 * lower rungs would be clean and only cost time) and climbs to its own
 * ceiling. Every callee registers (digest) from the one SIPp device that
 * answers every call (scripts/bench/call-uas.xml). Flood control and the
 * per-address authentication queue are opened up for the load source (every
 * message comes from 127.0.0.1).
 *
 * Latency: SIPp times the INVITE that is routed (the authenticated one) to
 * its 180 (start_rtd / rtd 1) and writes every sample with -trace_rtt. That
 * is per call, so the percentiles are exact over the rung, but in whole
 * milliseconds (SIPp's clock), truncated: p99 = 3 means 3.0–3.99 ms. The
 * statistics file's repartition buckets would only bound them, and
 * -trace_msg timestamps cost SIPp too much at these rates. The time includes
 * SIPp's own scheduling and the callee device's 180, both on this machine.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../test/support/free-port.js';
import { listCdrs } from '../test/support/store-inspect.js';
import { createDocumentClient } from '../contracts/store/dynamo-client.js';
import { TrunkUsageRepository } from '../functions/src/trunks/trunk-usage-repository.js';
import { startTestStack, type TestStack } from '../test/support/test-stack.js';
import { kamailioInstalled, startKamailio } from './bench/kamailio.js';
import { cpuMsPerFlow, threadTicks } from './bench/thread-cpu.js';
import { cleanRate, climb, percentiles, runRung, settleFor, type MeasuredRung } from './bench/sipp-ladder.js';
import { bucketPercentiles, costScraper, perFlow, percentilesBy, total, threadLayout, untilQuiet, type CostCounters } from './bench/stack-costs.js';

const [startRate = 10, seconds = 5, pairs = 50] = process.argv.slice(2, 5).map(Number);
const modes = (process.argv[5] ?? 'authenticated,unauthenticated').split(',') as Mode[];
const MAX_RATE = 6400;
/** The trunk slot audit of the benchmark's stack (edge/src/proxy/slot-audit.ts): every 10 s, leases older than 60 s. */
const AUDIT_SECONDS = 10;
const AUDIT_GRACE_SECONDS = 60;
const DOMAIN = 'bench.test';
/** One password for every user: Kamailio's configs check this one (pv_auth_check). */
const PASSWORD = 'bench-pw';
const METRICS_TOKEN = 'bench-calls-metrics-token';
const BENCH = resolve(import.meta.dirname, 'bench');

type Mode = 'authenticated' | 'unauthenticated';
const SCENARIOS: Record<Mode, { file: string; requestsPerCall: number; flow: string }> = {
  // Requests with a retransmission timer: INVITE, INVITE with credentials, BYE (ACKs have none).
  authenticated: { file: join(BENCH, 'call-uac-digest.xml'), requestsPerCall: 3, flow: 'INVITE, 407, ACK, INVITE with digest, 180, 200, ACK, BYE, 200; CDR written' },
  unauthenticated: { file: join(BENCH, 'call-uac.xml'), requestsPerCall: 2, flow: 'INVITE, 180, 200, ACK, BYE, 200; CDR written' },
};
/** Issue 14's budgets per completed call: internal, and a trunk call (+2 conditional writes: take, release). */
const BUDGET: Record<Mode, { invokes: number; storeRequests: number }> = {
  authenticated: { invokes: 2, storeRequests: 6 },
  unauthenticated: { invokes: 2, storeRequests: 8 },
};

const callers = Array.from({ length: pairs }, (_, i) => String(6000 + i));
const callees = Array.from({ length: pairs }, (_, i) => String(7000 + i));
const did = (callee: string) => `555${callee}`;

async function writeInjection(dir: string, name: string, lines: string[]): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, ['SEQUENTIAL', ...lines].join('\n') + '\n');
  return file;
}

/** field0 = caller, field1 = Request-URI user, field2 = SIPp's credentials keyword (used by the digest scenario only). */
const callInjection = (dir: string, mode: Mode, target: 'nimbus' | 'kamailio') =>
  writeInjection(dir, `calls-${mode}-${target}.csv`, callers.map((caller, i) => {
    const uri = mode === 'unauthenticated' && target === 'nimbus' ? did(callees[i]) : callees[i];
    return `${caller};${uri};[authentication username=${caller} password=${PASSWORD}]`;
  }));

/** Registers every callee (REGISTER with digest) from the answering device's port. */
async function registerCallees(target: string, devicePort: number, dir: string): Promise<void> {
  const injection = await writeInjection(dir, 'callees.csv', callees.map((ext) => `${ext};[authentication username=${ext} password=${PASSWORD}]`));
  const registered = await runRung({
    target, scenario: join(BENCH, 'register-digest.xml'), rate: pairs, seconds: 1, injection, dir, requestsPerCall: 2,
    vars: { domain: DOMAIN }, localPort: devicePort,
  });
  if (registered.successful !== pairs) throw new Error(`registering the callees at ${target}: ${registered.successful} of ${pairs}`);
}

/**
 * The one SIPp device that answers every call, on the port the callees
 * registered from, while `run` runs (it takes the port only after the
 * registrations, which need it too).
 */
async function withAnsweringDevice<T>(devicePort: number, dir: string, run: () => Promise<T>): Promise<T> {
  const uas = spawn('sipp', ['127.0.0.1:5060', '-sf', join(BENCH, 'call-uas.xml'), '-t', 'u1', '-i', '127.0.0.1', '-p', String(devicePort), '-nostdin'], { cwd: dir, stdio: 'ignore' });
  const exited = new Promise((done) => uas.on('exit', done));
  await new Promise((r) => setTimeout(r, 300));
  try {
    return await run();
  } finally {
    uas.kill('SIGTERM');
    await exited;
  }
}

/** What the printed rung keeps of the samples: the percentiles. */
function summarize(rung: MeasuredRung) {
  const { responseTimesMs, ...rest } = rung;
  return { ...rest, inviteTo180Ms: percentiles(responseTimesMs ?? [], [50, 90, 99]) };
}

/** INVITE→180 at half the clean rate: a rung of the ladder, or one more rung when the clean rate was the first. */
async function latencyAtHalf(rungs: MeasuredRung[], rung: (rate: number) => Promise<MeasuredRung>, settle = settleFor(5_000)) {
  const half = Math.floor(cleanRate(rungs) / 2);
  if (half < 1) return undefined;
  let measured = rungs.find((r) => r.offered === half);
  if (!measured) {
    // After an overloaded rung, its leftovers drain first (as between the climb's refining rungs).
    if (!rungs.at(-1)?.clean) await settle();
    measured = await rung(half);
  }
  return { rate: half, samples: measured.responseTimesMs?.length ?? 0, ...percentiles(measured.responseTimesMs ?? [], [50, 90, 99]), clean: measured.clean };
}

/**
 * The trunk slots still held once the ladder is over: at its end, and after
 * the calls an overload left behind have ended (an answered call nobody
 * ACKs ends after PBX_ACK_WAIT_SECONDS, 37 s) and the trunk slot audit has
 * had its turn (audit period + grace + 20 s). Anything left then is a
 * leaked slot (before 2026-12-04: 746–811 after an overload; 2026-12-07,
 * before the audit: about 260 in half the runs, a write the embedded store
 * lost: docs/benchmarks.md).
 */
async function trunkLeasesAfter(stack: TestStack) {
  const waitMs = (AUDIT_SECONDS + AUDIT_GRACE_SECONDS + 20) * 1000;
  const doc = createDocumentClient({ endpoint: stack.storeEndpoint });
  try {
    const usage = new TrunkUsageRepository(doc, process.env.PBX_TABLE_NAME ?? 'nimbus-pbx');
    const held = async () => Object.keys(await usage.leases({ tenantId: 'bench', trunkId: 'bench-carrier' })).length;
    const atEnd = await held();
    const started = Date.now();
    let left = atEnd;
    while (left > 0 && Date.now() - started < waitMs) {
      await new Promise((r) => setTimeout(r, 1000));
      left = await held();
    }
    return { atEnd, afterwards: left, waitedSeconds: Math.round((Date.now() - started) / 1000) };
  } finally {
    doc.destroy();
  }
}

const answeredCdrs = async (stack: TestStack) =>
  (await listCdrs(stack, 'bench')).filter((c) => c.state === 'closed' && c.disposition === 'answered').length;

async function benchNimbus(stack: TestStack, scrape: () => Promise<CostCounters>, mode: Mode, carrierPort: number, dir: string) {
  const target = `127.0.0.1:${stack.sipPort}`;
  const injection = await callInjection(dir, mode, 'nimbus');
  const costs = new Map<
    number,
    {
      cdrsWritten: number;
      invokesPerCall: Record<string, number>;
      storeRequestsPerCall: Record<string, number>;
      addedLatencyMs: ReturnType<typeof bucketPercentiles>;
      durationsMs: { functions: ReturnType<typeof percentilesBy>; store: ReturnType<typeof percentilesBy> };
      cpuMsPerCall?: ReturnType<typeof cpuMsPerFlow>;
    }
  >();
  const rung = async (rate: number) => {
    const cdrsBefore = await answeredCdrs(stack);
    const before: CostCounters = await scrape();
    const ticksBefore = threadTicks();
    const step = await runRung({
      target, scenario: SCENARIOS[mode].file, rate, seconds, injection, dir, requestsPerCall: SCENARIOS[mode].requestsPerCall,
      vars: { domain: DOMAIN }, responseTimes: true, ...(mode === 'unauthenticated' ? { localPort: carrierPort } : {}),
    });
    const ticksAfterRung = threadTicks();
    // CDRs are written from bus events after the BYE: wait for them (5 s at most), so their writes count in this rung.
    let cdrsWritten = 0;
    for (const deadline = Date.now() + 5000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
      cdrsWritten = (await answeredCdrs(stack)) - cdrsBefore;
      if (cdrsWritten >= step.successful) break;
    }
    const after = await scrape();
    costs.set(rate, {
      cdrsWritten,
      invokesPerCall: perFlow(before.invokes, after.invokes, step.successful),
      storeRequestsPerCall: perFlow(before.storeRequests, after.storeRequests, step.successful),
      // The edge's own clock (nimbus_invite_added_latency_seconds), finer than SIPp's: what Nimbus adds to INVITE→180.
      addedLatencyMs: bucketPercentiles(before.addedLatency, after.addedLatency, [50, 90, 99]),
      // Where the added latency goes: each function call and store request of the rung, on the same buckets.
      durationsMs: { functions: percentilesBy(before.durations.functions, after.durations.functions), store: percentilesBy(before.durations.store, after.durations.store) },
      // This process's CPU during the rung (SIPp's excluded), by thread: the CDR writes that follow the last BYE are not in it.
      cpuMsPerCall: cpuMsPerFlow(ticksBefore, ticksAfterRung, step.successful),
    });
    return step;
  };
  const settle = () => untilQuiet(scrape);
  const rungs = await climb(startRate, MAX_RATE, rung, { settle });
  const latency = await latencyAtHalf(rungs, rung, settle);
  const clean = cleanRate(rungs);
  const atClean = costs.get(clean) ?? costs.get(rungs[0].offered)!;
  const trunkLeases = mode === 'unauthenticated' ? await trunkLeasesAfter(stack) : undefined;
  return {
    ...(trunkLeases ? { trunkLeasesAfterLadder: trunkLeases } : {}),
    rungs: rungs.map((r) => ({ ...summarize(r), ...costs.get(r.offered) })),
    cleanRate: clean,
    inviteTo180AtHalfCleanRate: latency,
    addedLatencyAtHalfCleanRate: latency ? { rate: latency.rate, ...costs.get(latency.rate)?.addedLatencyMs } : undefined,
    costPerCall: {
      atRate: costs.has(clean) ? clean : rungs[0].offered,
      invokes: atClean.invokesPerCall, storeRequests: atClean.storeRequestsPerCall,
      invokesTotal: total(atClean.invokesPerCall), storeRequestsTotal: total(atClean.storeRequestsPerCall),
      budget: BUDGET[mode],
    },
  };
}

async function benchKamailio(mode: Mode, from: number, devicePort: number, dir: string) {
  const kamailio = await startKamailio(join(BENCH, 'kamailio-proxy.cfg'), dir, mode === 'authenticated' ? ['WITH_AUTH'] : []);
  if (!kamailio) return undefined;
  try {
    const target = `127.0.0.1:${kamailio.port}`;
    await registerCallees(target, devicePort, dir);
    const injection = await callInjection(dir, mode, 'kamailio');
    const rung = (rate: number) => runRung({
      target, scenario: SCENARIOS[mode].file, rate, seconds, injection, dir, requestsPerCall: SCENARIOS[mode].requestsPerCall,
      vars: { domain: DOMAIN }, responseTimes: true,
    });
    return await withAnsweringDevice(devicePort, dir, async () => {
      const rungs = await climb(from, MAX_RATE, rung);
      return { rungs: rungs.map(summarize), cleanRate: cleanRate(rungs), inviteTo180AtHalfCleanRate: await latencyAtHalf(rungs, rung) };
    });
  } finally {
    kamailio.stop();
  }
}

const dir = await mkdtemp(join(tmpdir(), 'nimbus-bench-calls-'));
const carrierPort = await freePort();
const devicePort = await freePort();
const stack = await startTestStack({
  seed: {
    tenants: [{
      id: 'bench', domains: [DOMAIN, '127.0.0.1'],
      users: [...callers, ...callees].map((ext) => ({ ext, password: PASSWORD })),
      // The IP-trusted trunk of the unauthenticated mode: the SIPp caller's port, a DID per callee.
      trunks: [{ id: 'bench-carrier', kind: 'ip', host: '127.0.0.1', port: carrierPort, transport: 'udp', routes: [], dids: Object.fromEntries(callees.map((c) => [did(c), c])) }],
    }],
  },
  env: {
    PBX_PIKE_REQUESTS: '0', PBX_AUTH_CONCURRENCY_PER_ADDRESS: '256', PBX_AUTH_QUEUE_PER_ADDRESS: '100000', PBX_METRICS_TOKEN: METRICS_TOKEN,
    // The trunk slot audit sooner than its defaults (60 s, grace 120 s), so trunkLeasesAfterLadder shows it within its wait.
    PBX_SLOT_AUDIT_SECONDS: String(AUDIT_SECONDS), PBX_SLOT_AUDIT_GRACE_SECONDS: String(AUDIT_GRACE_SECONDS),
    ...threadLayout().stackEnv,
  },
});
try {
  await registerCallees(`127.0.0.1:${stack.sipPort}`, devicePort, dir);
  const scrape = costScraper(stack.httpPort, METRICS_TOKEN, stack.consumerInvokes);
  const results: Record<string, unknown> = {};
  for (const mode of modes) {
    const nimbus = await withAnsweringDevice(devicePort, dir, () => benchNimbus(stack, scrape, mode, carrierPort, dir));
    const kamailio = await benchKamailio(mode, Math.max(startRate, nimbus.cleanRate), devicePort, dir);
    results[mode] = {
      flow: SCENARIOS[mode].flow,
      ...(mode === 'unauthenticated' ? { note: 'Nimbus challenges every call of a user; its only unchallenged INVITE is an inbound call from an IP-trusted trunk to a DID, measured here. Kamailio: the same calls without proxy authentication.' } : {}),
      nimbus,
      kamailio: kamailio ?? 'skipped: kamailio is not installed (apt-get install kamailio)',
      ...(kamailio?.cleanRate ? { ratioNimbusToKamailio: Number((nimbus.cleanRate / kamailio.cleanRate).toFixed(4)) } : {}),
    };
  }
  if (!kamailioInstalled()) console.error('kamailio is not installed: the Kamailio part was skipped');
  console.log(JSON.stringify({
    transport: 'udp', secondsPerRung: seconds, userPairs: pairs, startRate, ...results,
    threads: threadLayout().printed,
    cpu: cpus()[0]?.model, cores: cpus().length, node: process.version,
  }, null, 2));
} finally {
  await stack.dispose();
  await rm(dir, { recursive: true, force: true });
}
