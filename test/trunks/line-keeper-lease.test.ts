import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { FunctionEvents, FunctionName, FunctionResults, TrunkLine } from '../../contracts/function-events.js';
import { InProcessBus } from '../../contracts/bus/in-process-bus.js';
import type { PbxEvent } from '../../contracts/bus/pbx-event.js';
import { SipEdge } from '../../edge/src/core/sip-edge.js';
import type { Invoker } from '../../edge/src/invoker/invoker.js';
import { InvokerTrunkLeaseStore } from '../../edge/src/trunks/invoker-lease-store.js';
import { startTrunkLines, type TrunkLines, type TrunkLineStopOptions } from '../../edge/src/trunks/line-keeper.js';
import { InMemoryTrunkLeaseStore, trunkLeaseKey, type TrunkLeaseStore } from '../../edge/src/trunks/trunk-lease.js';
import { startUdpCarrier, type UdpCarrier } from './udp-carrier.js';

const PASSWORD = 'line-pw-77';

function lineAt(port: number): TrunkLine {
  return {
    tenantId: 'acme', id: 'line2', kind: 'register', host: '127.0.0.1', port, transport: 'udp',
    username: 'acct77', password: PASSWORD, expires: 300, regSameDialog: 1,
  };
}

/** Answers 'trunk-lines' like the function would; any other function fails as if it were not deployed. */
function linesInvoker(lines: () => TrunkLine[]): Invoker {
  return {
    invoke: async <N extends FunctionName>(name: N, _event: FunctionEvents[N]): Promise<FunctionResults[N]> => {
      if (name === 'trunk-lines') return { lines: lines() } as FunctionResults[N];
      throw new Error(`function ${name} is not available in this build`);
    },
  };
}

interface RunningEdge {
  id: string;
  edge: SipEdge;
  lines: TrunkLines;
  /** The UDP port its REGISTERs leave from. */
  port: number;
  events: PbxEvent[];
  logs: string[];
  stop(opts?: TrunkLineStopOptions): Promise<void>;
}

const running: RunningEdge[] = [];
let carrier: UdpCarrier | undefined;

afterEach(async () => {
  for (const e of running.splice(0)) await e.stop({ unregister: false });
  await carrier?.close();
  carrier = undefined;
});

/** A real SipEdge (transports + transactions on 127.0.0.1) with its line keeper. */
async function startEdge(id: string, opts: { invoker: Invoker; leases?: TrunkLeaseStore; leaseTtlMs: number; renewEveryMs: number }): Promise<RunningEdge> {
  const logs: string[] = [];
  const logger = pino({ level: 'debug' }, new Writable({ write: (chunk, _enc, done) => (logs.push(String(chunk)), done()) }));
  const bus = new InProcessBus();
  const events: PbxEvent[] = [];
  bus.subscribe({ detailType: ['trunk.status'] }, async (e) => void events.push(e));
  const edge = new SipEdge({
    identity: { id, bootId: `${id}-boot` }, invoker: opts.invoker, bus, logger, secret: 'test-secret',
    bind: '127.0.0.1', advertisedHost: '127.0.0.1', sipPort: 0, heartbeatMs: 0, wsSecure: false, idleTimeoutMs: 60_000,
  });
  await edge.start();
  const lines = await startTrunkLines({ edge, leases: opts.leases, leaseTtlMs: opts.leaseTtlMs, renewEveryMs: opts.renewEveryMs, stopTimeoutMs: 2_000 });
  let stopped = false;
  const e: RunningEdge = {
    id, edge, lines, events, logs, port: edge.transport.local('udp')!.port,
    stop: async (stopOpts) => {
      if (stopped) return;
      stopped = true;
      await lines.stop(stopOpts);
      await edge.stop();
    },
  };
  running.push(e);
  return e;
}

async function waitFor(what: string, cond: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const online = (e: RunningEdge) => e.lines.statuses().some((s) => s.trunkId === 'line2' && s.status === 'online');

describe('line keeper: two edges, one lease store', () => {
  it('exactly one edge registers the line; after it crashes the other takes over once the lease lapses', async () => {
    carrier = await startUdpCarrier();
    const line = lineAt(carrier.port);
    const leases = new InMemoryTrunkLeaseStore();
    const ttl = 1_000;
    const a = await startEdge('edge-a', { invoker: linesInvoker(() => [line]), leases, leaseTtlMs: ttl, renewEveryMs: 200 });
    const b = await startEdge('edge-b', { invoker: linesInvoker(() => [line]), leases, leaseTtlMs: ttl, renewEveryMs: 200 });
    await waitFor('edge-a online', () => online(a));
    await new Promise((r) => setTimeout(r, 2 * ttl)); // several renewals: the holder keeps its lease
    expect(carrier.registers.map((r) => r.fromPort)).toEqual([a.port]);
    expect(b.lines.statuses()).toEqual([]);
    expect(leases.holder(trunkLeaseKey(line))).toBe('edge-a');

    // A crash: no unREGISTER, no lease release.
    await a.stop({ unregister: false, releaseLeases: false });
    const crashedAt = Date.now();
    await waitFor('edge-b online', () => online(b), 3 * ttl);
    // a's last renewal was at most one renewal period before the crash; the lease holds until then + TTL.
    expect(Date.now() - crashedAt).toBeGreaterThanOrEqual(ttl - 200 - 50);
    expect(carrier.registers.map((r) => r.fromPort)).toEqual([a.port, b.port]);
    expect(carrier.registers.every((r) => r.expires === 300)).toBe(true);
    expect(leases.holder(trunkLeaseKey(line))).toBe('edge-b');
    expect(b.events.map((e) => e.detail)).toEqual([expect.objectContaining({ tenantId: 'acme', trunkId: 'line2', status: 'online', edgeId: 'edge-b' })]);
    expect(a.events.map((e) => e.detail)).toContainEqual(expect.objectContaining({ status: 'online', edgeId: 'edge-a' }));
    expect([...a.logs, ...b.logs].join('')).not.toContain(PASSWORD);
  });

  it('a clean stop unregisters (Expires: 0) and releases the lease, so the other edge takes over well before the TTL', async () => {
    carrier = await startUdpCarrier();
    const line = lineAt(carrier.port);
    const leases = new InMemoryTrunkLeaseStore();
    const ttl = 30_000;
    const a = await startEdge('edge-a', { invoker: linesInvoker(() => [line]), leases, leaseTtlMs: ttl, renewEveryMs: 200 });
    const b = await startEdge('edge-b', { invoker: linesInvoker(() => [line]), leases, leaseTtlMs: ttl, renewEveryMs: 200 });
    await waitFor('edge-a online', () => online(a));
    await a.stop();
    expect(carrier.registers.map((r) => [r.fromPort, r.expires])).toEqual([[a.port, 300], [a.port, 0]]);
    expect(a.events.map((e) => (e.detail as { status: string }).status)).toEqual(['online', 'offline']);
    await waitFor('edge-b online', () => online(b), 2_000);
    expect(carrier.registers.at(-1)).toMatchObject({ fromPort: b.port, expires: 300 });
  });

  it('a line removed from the trunk list is unregistered and its lease given back', async () => {
    carrier = await startUdpCarrier();
    const line = lineAt(carrier.port);
    let lines = [line];
    const leases = new InMemoryTrunkLeaseStore();
    const a = await startEdge('edge-a', { invoker: linesInvoker(() => lines), leases, leaseTtlMs: 30_000, renewEveryMs: 100 });
    await waitFor('edge-a online', () => online(a));
    lines = [];
    await waitFor('the unREGISTER', () => carrier!.registers.some((r) => r.expires === 0));
    await waitFor('the line to leave statuses()', () => a.lines.statuses().length === 0);
    expect(leases.holder(trunkLeaseKey(line))).toBeUndefined();
  });
});

describe('line keeper: failing functions', () => {
  it('logs a failing trunk-lines function and keeps the edge running, retrying on every pass', async () => {
    let calls = 0;
    const invoker: Invoker = {
      invoke: async () => {
        calls++;
        throw new Error('function trunk-lines is not available in this build');
      },
    };
    const a = await startEdge('edge-a', { invoker, leases: new InMemoryTrunkLeaseStore(), leaseTtlMs: 300, renewEveryMs: 100 });
    await waitFor('a retry', () => calls >= 2);
    expect(a.lines.statuses()).toEqual([]);
    expect(a.logs.join('')).toContain('trunk lines pass failed');
    expect(a.edge.transport.local('udp')).toBeDefined();
  });
});

describe('InvokerTrunkLeaseStore', () => {
  it("acquires and releases through the 'trunk-lease' function and treats anything but held=true as refused", async () => {
    const seen: unknown[] = [];
    const answers: unknown[] = [{ held: true }, { held: false }, null, { held: false }];
    const invoker: Invoker = {
      invoke: async <N extends FunctionName>(name: N, event: FunctionEvents[N]) => {
        seen.push({ name, event });
        return answers.shift() as FunctionResults[N];
      },
    };
    const store = new InvokerTrunkLeaseStore(invoker);
    expect(await store.acquire('acme#line2', 'edge-a', 30_000)).toBe(true);
    expect(await store.acquire('acme#line2', 'edge-a', 30_000)).toBe(false);
    expect(await store.acquire('acme#line2', 'edge-a', 30_000)).toBe(false);
    await store.release('acme#line2', 'edge-a');
    expect(seen).toEqual([
      ...Array(3).fill({ name: 'trunk-lease', event: { type: 'trunk-lease', op: 'acquire', trunkKey: 'acme#line2', edgeId: 'edge-a', ttlMs: 30_000 } }),
      { name: 'trunk-lease', event: { type: 'trunk-lease', op: 'release', trunkKey: 'acme#line2', edgeId: 'edge-a' } },
    ]);
  });
});
