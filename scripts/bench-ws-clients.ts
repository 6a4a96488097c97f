/**
 * WebSocket clients benchmark (issue 14: at least 20,000 registered
 * WebSocket clients on one edge, refreshing; at most 8 kB per idle flow).
 *
 *   npx tsx scripts/bench-ws-clients.ts [clients=20000] [registrations/s=100] [client processes=4] [source addresses=40]
 *
 * Three kinds of process, so the edge's memory is its own:
 * - the store (dynalite, scripts/bench/store-process.ts), seeded with one
 *   tenant of `clients` users;
 * - the PBX as `npm start` runs it (edge and in-process functions on their
 *   thread, test/support/pbx-process.ts; PBX_FUNCTIONS_THREAD=false in this
 *   script's environment keeps them on the main thread) with
 *   PBX_DYNAMODB_ENDPOINT at that store, flood control off and the
 *   per-address limits opened for the load, and `--inspect` on loopback so
 *   this script can ask V8 for a full GC, on every thread;
 * - client processes (scripts/bench/ws-client-worker.ts) holding the
 *   WebSocket flows from 127.0.1.x source addresses.
 * The edge's RSS is read from /proc/<pid>/status (VmRSS) and its heap from
 * its own /metrics: before the clients, once all are registered, after a
 * refresh round (every client registers again on its flow: 401, digest,
 * 200), and after a GC settle. Bytes per flow = (RSS after − RSS before) / N.
 *
 * Diagnostics: BENCH_WS_HEAP_SNAPSHOTS=<dir> writes the edge's heap snapshots
 * before the clients and when idle (open them in Chrome DevTools → Memory,
 * comparison view; taking one costs the edge memory, so that run's RSS
 * figures are not the ones to quote); BENCH_WS_EDGE_NODE_FLAGS adds flags to
 * the edge's node command line (e.g. --compact-on-every-full-gc).
 *
 * Open files: Node raises its soft RLIMIT_NOFILE to the hard limit at start,
 * so the edge may hold as many sockets as `ulimit -Hn` allows. Where that is
 * below clients + the edge's own descriptors (a container whose hard limit is
 * 20,000 and that may not raise it), the run is capped and the JSON says so;
 * raise the hard limit (root: `ulimit -Hn 65536` in the shell that starts
 * this script) to run more.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { freePort } from '../test/support/free-port.js';
import { startPbxProcess, waitHealthy, type PbxProcess } from '../test/support/pbx-process.js';
import { parseExposition, sampleSum } from '../test/support/prometheus-text.js';
import type { RegisterCommand, RoundReport } from './bench/ws-client-worker.js';

const requested = Number(process.argv[2] ?? 20_000);
const rate = Number(process.argv[3] ?? 100);
const processes = Number(process.argv[4] ?? 4);
const sourceAddresses = Number(process.argv[5] ?? 40);
const DOMAIN = 'bench.test';
const PASSWORD = 'bench-pw';
const METRICS_TOKEN = 'bench-ws-clients-metrics-token';
/** Longer than the run: the refresh round is explicit, nothing expires meanwhile. */
const EXPIRES = 3600;
/**
 * Descriptors the edge holds besides the flows (listeners, libuv, the inspector, and up to a few hundred
 * connections to the store under load), with room to spare: an edge out of descriptors fails its store calls.
 */
const EDGE_OWN_DESCRIPTORS = 400;
const ROOT = resolve(import.meta.dirname, '..');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function residentBytes(pid: number): Promise<{ rssBytes: number; rssAnonBytes: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kB = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)![1]) * 1024;
  return { rssBytes: kB('VmRSS'), rssAnonBytes: kB('RssAnon') };
}

async function openFilesLimit(pid: number): Promise<number> {
  const limits = await readFile(`/proc/${pid}/limits`, 'utf8');
  return Number(/^Max open files\s+(\d+)/m.exec(limits)![1]);
}

async function startStore(dir: string): Promise<{ endpoint: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench/store-process.ts', dir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((done, fail) => {
    createInterface({ input: child.stdout! }).once('line', done);
    child.once('exit', (code) => fail(new Error(`store exited ${code}`)));
  });
  return { endpoint: (JSON.parse(line) as { endpoint: string }).endpoint, child };
}

/** A session on the edge's main thread through its inspector (--inspect on loopback, Chrome DevTools Protocol). */
async function openInspector(inspectPort: number): Promise<WebSocket> {
  const [target] = (await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json()) as Array<{ webSocketDebuggerUrl: string }>;
  const socket = new WebSocket(target.webSocketDebuggerUrl, { maxPayload: 2 ** 30 });
  await new Promise((r, f) => socket.once('open', r).once('error', f));
  return socket;
}

/** Calls the edge's inspector once per method, in order. */
async function inspect(inspectPort: number, methods: string[], onEvent?: (method: string, params: { chunk?: string }) => void): Promise<void> {
  const socket = await openInspector(inspectPort);
  for (const [id, method] of methods.entries()) {
    socket.send(JSON.stringify({ id, method }));
    await new Promise<void>((done) => {
      const onMessage = (data: Buffer) => {
        const message = JSON.parse(data.toString()) as { id?: number; method?: string; params?: { chunk?: string } };
        if (message.method) onEvent?.(message.method, message.params ?? {});
        if (message.id === id) {
          socket.off('message', onMessage);
          done();
        }
      };
      socket.on('message', onMessage);
    });
  }
  socket.close();
}

/**
 * Two full garbage collections (V8 frees in the second what the first's
 * finalizers released), on the main thread and on every worker thread of the
 * edge (the functions' thread: its isolate's garbage is RSS too). The workers
 * are reached through the main session's NodeWorker domain.
 */
async function collectGarbage(inspectPort: number): Promise<void> {
  await inspect(inspectPort, ['HeapProfiler.collectGarbage', 'HeapProfiler.collectGarbage']);
  await collectGarbageInWorkers(inspectPort);
}

async function collectGarbageInWorkers(inspectPort: number): Promise<void> {
  const socket = await openInspector(inspectPort);
  type Message = { id?: number; method?: string; params?: { sessionId?: string; message?: string } };
  const sessions: string[] = [];
  const answered = new Set<string>();
  socket.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as Message;
    if (message.method === 'NodeWorker.attachedToWorker' && message.params?.sessionId) sessions.push(message.params.sessionId);
    if (message.method === 'NodeWorker.receivedMessageFromWorker') {
      const inner = JSON.parse(message.params?.message ?? '{}') as { id?: number };
      if (inner.id !== undefined) answered.add(`${message.params?.sessionId}/${inner.id}`);
    }
  });
  const until = async (done: () => boolean, ms = 10_000) => {
    for (const started = Date.now(); !done() && Date.now() - started < ms; ) await sleep(20);
  };
  // Attaching reports every worker already running, one attachedToWorker event each.
  socket.send(JSON.stringify({ id: 1, method: 'NodeWorker.enable', params: { waitForDebuggerOnStart: false } }));
  await sleep(500);
  for (const sessionId of sessions) {
    for (const id of [1, 2]) {
      const message = JSON.stringify({ id, method: 'HeapProfiler.collectGarbage' });
      socket.send(JSON.stringify({ id: 100 + id, method: 'NodeWorker.sendMessageToWorker', params: { sessionId, message } }));
      await until(() => answered.has(`${sessionId}/${id}`));
    }
  }
  socket.send(JSON.stringify({ id: 2, method: 'NodeWorker.disable' }));
  await sleep(100);
  socket.close();
}

/** With BENCH_WS_HEAP_SNAPSHOTS=<dir>: the edge's heap snapshot (open it in Chrome DevTools → Memory), to see where a flow's bytes go. */
async function heapSnapshot(inspectPort: number, name: string): Promise<void> {
  const out = process.env.BENCH_WS_HEAP_SNAPSHOTS;
  if (!out) return;
  const chunks: string[] = [];
  await inspect(inspectPort, ['HeapProfiler.takeHeapSnapshot'], (method, params) => {
    if (method === 'HeapProfiler.addHeapSnapshotChunk') chunks.push(params.chunk!);
  });
  await writeFile(join(out, `${name}.heapsnapshot`), chunks.join(''));
}

interface Snapshot {
  rssBytes: number;
  /** VmRSS's anonymous part (heap, malloc arenas, stacks): what flows can grow. */
  rssAnonBytes: number;
  /** From the edge's /metrics (prom-client default metrics). */
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  openDescriptors: number;
  bindings: number;
}

async function snapshot(pbx: PbxProcess, httpPort: number): Promise<Snapshot> {
  const pid = pbx.child.pid!;
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  const samples = parseExposition(text);
  return {
    ...(await residentBytes(pid)),
    heapUsedBytes: sampleSum(samples, 'nodejs_heap_size_used_bytes'),
    heapTotalBytes: sampleSum(samples, 'nodejs_heap_size_total_bytes'),
    externalBytes: sampleSum(samples, 'nodejs_external_memory_bytes'),
    openDescriptors: (await readdir(`/proc/${pid}/fd`)).length,
    bindings: sampleSum(samples, 'nimbus_bindings'),
  };
}

/** Sends one command to every client process and sums their reports. */
async function round(workers: ChildProcess[], commands: object[], answer: string): Promise<RoundReport> {
  const reports = await Promise.all(
    workers.map(
      (w, i) =>
        new Promise<RoundReport>((done) => {
          const onMessage = (m: RoundReport & { type: string }) => {
            if (m.type !== answer) return;
            w.off('message', onMessage);
            done(m);
          };
          w.on('message', onMessage);
          w.send(commands[i]);
        }),
    ),
  );
  const failures: Record<string, number> = {};
  for (const r of reports) for (const [k, v] of Object.entries(r.failures)) failures[k] = (failures[k] ?? 0) + v;
  return {
    ok: reports.reduce((s, r) => s + r.ok, 0),
    failed: reports.reduce((s, r) => s + r.failed, 0),
    failures,
    seconds: Math.max(...reports.map((r) => r.seconds)),
  };
}

const perFlow = (after: Snapshot, before: Snapshot, n: number) => ({
  rssBytesPerFlow: Math.round((after.rssBytes - before.rssBytes) / n),
  heapUsedBytesPerFlow: Math.round((after.heapUsedBytes - before.heapUsedBytes) / n),
});
const mib = (s: Snapshot) => ({ ...s, rssMiB: Number((s.rssBytes / 2 ** 20).toFixed(1)), heapUsedMiB: Number((s.heapUsedBytes / 2 ** 20).toFixed(1)) });

const dir = await mkdtemp(join(tmpdir(), 'nimbus-bench-ws-'));
let store: { endpoint: string; child: ChildProcess } | undefined;
let pbx: PbxProcess | undefined;
const workers: ChildProcess[] = [];
try {
  const seedStarted = Date.now();
  const users = Array.from({ length: requested }, (_, i) => ({ ext: `u${i}`, password: PASSWORD }));
  await writeFile(join(dir, 'seed.json'), JSON.stringify({ tenants: [{ id: 'bench', domains: [DOMAIN], users }] }));
  store = await startStore(join(dir, 'store'));
  const [sipPort, httpPort, inspectPort] = [await freePort(), await freePort(), await freePort()];
  pbx = startPbxProcess(
    {
      PBX_SIP_PORT: String(sipPort),
      PBX_HTTP_PORT: String(httpPort),
      PBX_TLS_PORT: String(await freePort()),
      PBX_DATA_DIR: join(dir, 'pbx'),
      PBX_SEED: join(dir, 'seed.json'),
      PBX_DYNAMODB_ENDPOINT: store.endpoint,
      PBX_EDGE_ID: 'edge-bench-ws',
      PBX_METRICS_TOKEN: METRICS_TOKEN,
      PBX_PIKE_REQUESTS: '0',
      PBX_AUTH_CONCURRENCY_PER_ADDRESS: '64',
      PBX_AUTH_QUEUE_PER_ADDRESS: '100000',
      PBX_MAX_CONNECTIONS_PER_ADDRESS: '100000',
    },
    // BENCH_WS_EDGE_NODE_FLAGS: extra V8/Node flags for the edge, to compare (e.g. --compact-on-every-full-gc).
    { nodeArgs: [`--inspect=127.0.0.1:${inspectPort}`, ...(process.env.BENCH_WS_EDGE_NODE_FLAGS ?? '').split(' ').filter(Boolean)] },
  );
  // The seed (one HA1 pair and one store write per user) is applied before the edge listens.
  await waitHealthy(httpPort, pbx, 30 * 60_000);
  const seedSeconds = (Date.now() - seedStarted) / 1000;

  const limit = await openFilesLimit(pbx.child.pid!);
  const clients = Math.min(requested, limit - EDGE_OWN_DESCRIPTORS);
  await sleep(2000);
  await collectGarbage(inspectPort);
  await sleep(1000);
  const before = await snapshot(pbx, httpPort);
  await heapSnapshot(inspectPort, 'before');

  const shares = Array.from({ length: processes }, (_, p) => Math.floor(clients / processes) + (p < clients % processes ? 1 : 0));
  const addresses = Array.from({ length: sourceAddresses }, (_, i) => `127.0.1.${i + 1}`);
  for (let p = 0; p < processes; p++) workers.push(fork(join(ROOT, 'scripts/bench/ws-client-worker.ts'), [], { cwd: ROOT, execArgv: ['--import', 'tsx'] }));
  let first = 0;
  const commands: RegisterCommand[] = shares.map((count, p) => {
    const command: RegisterCommand = {
      type: 'register', url: `ws://127.0.0.1:${httpPort}/ws`, domain: DOMAIN, password: PASSWORD, first, count,
      addresses: addresses.filter((_, i) => i % processes === p), rate: rate / processes, expires: EXPIRES, maxInFlight: 64,
    };
    first += count;
    return command;
  });
  const registered = await round(workers, commands, 'registered');
  const afterRegister = await snapshot(pbx, httpPort);
  const refreshed = await round(workers, workers.map(() => ({ type: 'refresh', rate: rate / processes })), 'refreshed');
  const afterRefresh = await snapshot(pbx, httpPort);
  // Idle: past Timer J of the last transactions (64 × T1 = 32 s, RFC 3261 §17.2.2) and the directory cache's TTL.
  await sleep(35_000);
  for (let i = 0; i < 3; i++) {
    await collectGarbage(inspectPort);
    await sleep(1000);
  }
  const settled = await snapshot(pbx, httpPort);
  await heapSnapshot(inspectPort, 'idle');

  console.log(JSON.stringify({
    scenario: 'WebSocket (RFC 7118) clients: REGISTER, 401, REGISTER with digest, 200; then a refresh round on the same flows; then idle',
    clients, requested,
    ...(clients < requested ? { cappedBy: `the edge's open-file limit (${limit}, the hard limit: ulimit -Hn)` } : {}),
    clientProcesses: processes, sourceAddresses, offeredPerSecond: rate,
    ...(process.env.BENCH_WS_EDGE_NODE_FLAGS ? { edgeNodeFlags: process.env.BENCH_WS_EDGE_NODE_FLAGS } : {}),
    seedSeconds: Number(seedSeconds.toFixed(1)),
    register: { ...registered, perSecond: Number((registered.ok / registered.seconds).toFixed(1)) },
    refresh: { ...refreshed, perSecond: Number((refreshed.ok / refreshed.seconds).toFixed(1)) },
    edge: {
      before: mib(before), afterRegister: mib(afterRegister), afterRefresh: mib(afterRefresh), afterGcSettle: mib(settled),
      afterRegisterPerFlow: perFlow(afterRegister, before, clients),
      afterRefreshPerFlow: perFlow(afterRefresh, before, clients),
      idlePerFlow: perFlow(settled, before, clients),
    },
    cpu: cpus()[0]?.model, cores: cpus().length, node: process.version,
  }, null, 2));
} catch (err) {
  if (pbx && (pbx.child.exitCode !== null || pbx.child.signalCode !== null)) console.error(`the edge exited (${pbx.child.exitCode ?? pbx.child.signalCode}); its last output:\n${pbx.output().slice(-4000)}`);
  throw err;
} finally {
  for (const w of workers) if (w.connected) w.send({ type: 'close' });
  await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode !== null ? r(null) : w.once('exit', r)))));
  if (pbx) await pbx.stop();
  if (store) {
    const exited = store.child.exitCode !== null ? Promise.resolve() : new Promise((r) => store!.child.once('exit', r));
    store.child.kill('SIGTERM');
    await exited;
  }
  await rm(dir, { recursive: true, force: true });
}
