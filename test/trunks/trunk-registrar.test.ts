import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InMemoryTrunkLeaseStore, trunkLeaseKey } from '../../edge/src/trunks/trunk-lease.js';
import { TrunkRegistrar, type RunningRegistration } from '../../edge/src/trunks/trunk-registrar.js';
import type { RegisteringTrunk } from '../../edge/src/trunks/trunk-registration.js';

type T = RegisteringTrunk & { kind: 'ip' | 'register' };
const line: T = { tenantId: 'acme', id: 'line-1', kind: 'register', host: '127.0.0.1', port: 5099, transport: 'udp', expires: 300 };
const ipTrunk: T = { ...line, id: 'ip-1', kind: 'ip' };

/** An edge's registrar whose registrations only record start/stop. */
function edge(edgeId: string, leases: InMemoryTrunkLeaseStore) {
  const log: string[] = [];
  const registrar = new TrunkRegistrar<T>({
    edgeId,
    leases,
    loadTrunks: async () => [line, ipTrunk],
    leaseTtlMs: 30_000,
    renewEveryMs: 10_000,
    createRegistration: (trunk): RunningRegistration => ({
      start: () => log.push(`start ${trunk.id}`),
      stop: async (opts) => void log.push(`stop ${trunk.id}${opts?.unregister === false ? ' (no unregister)' : ''}`),
    }),
  });
  return { registrar, log };
}

describe('TrunkRegistrar: one edge keeps a trunk registered (lease)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('registers a trunk on exactly one of two edges sharing the lease store, and never an IP trunk', async () => {
    const leases = new InMemoryTrunkLeaseStore();
    const a = edge('edge-a', leases);
    const b = edge('edge-b', leases);
    await a.registrar.start();
    await b.registrar.start();
    await vi.advanceTimersByTimeAsync(60_000); // several renewals: the owner keeps its lease
    expect(a.log).toEqual(['start line-1']);
    expect(b.log).toEqual([]);
    expect(leases.holder(trunkLeaseKey(line))).toBe('edge-a');
    await a.registrar.stop();
    await b.registrar.stop();
  });

  it('lets another edge take over when the owner dies and its lease lapses', async () => {
    const leases = new InMemoryTrunkLeaseStore();
    const a = edge('edge-a', leases);
    const b = edge('edge-b', leases);
    await a.registrar.start();
    await b.registrar.start();
    await a.registrar.stop({ releaseLeases: false }); // a crash: nothing released
    await vi.advanceTimersByTimeAsync(20_000);
    expect(b.log).toEqual([]); // the lease (30 s) has not lapsed yet
    await vi.advanceTimersByTimeAsync(20_000);
    expect(b.log).toEqual(['start line-1']);
    expect(leases.holder(trunkLeaseKey(line))).toBe('edge-b');
    await b.registrar.stop();
  });

  it('hands over at once on a clean shutdown (the lease is released)', async () => {
    const leases = new InMemoryTrunkLeaseStore();
    const a = edge('edge-a', leases);
    const b = edge('edge-b', leases);
    await a.registrar.start();
    await b.registrar.start();
    await a.registrar.stop();
    expect(a.log).toEqual(['start line-1', 'stop line-1']);
    await vi.advanceTimersByTimeAsync(10_000); // b's next renewal pass
    expect(b.log).toEqual(['start line-1']);
    await b.registrar.stop();
  });
});

describe('trunk.status event', () => {
  it('carries tenant, trunk, status, last error, since and the registering edge', async () => {
    const { trunkStatusEvent } = await import('../../contracts/bus/trunk-status-event.js');
    const event = trunkStatusEvent(
      { tenantId: 'acme', trunkId: 'line-1', status: 'offline', lastError: '400 Bad Request (Invalid CSeq number)', since: Date.UTC(2026, 0, 1) },
      'edge-a',
      new Date(Date.UTC(2026, 0, 1, 0, 0, 5)),
    );
    expect(event).toEqual({
      source: 'nimbus.edge',
      detailType: 'trunk.status',
      time: '2026-01-01T00:00:05.000Z',
      detail: { tenantId: 'acme', trunkId: 'line-1', status: 'offline', lastError: '400 Bad Request (Invalid CSeq number)', since: '2026-01-01T00:00:00.000Z', edgeId: 'edge-a' },
    });
  });
});

describe('TrunkRegistrar: changed lines and an unreachable store', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function registrarWith(load: () => Promise<T[]>) {
    const log: string[] = [];
    const registrar = new TrunkRegistrar<T>({
      edgeId: 'edge-a',
      leases: new InMemoryTrunkLeaseStore(),
      loadTrunks: load,
      leaseTtlMs: 30_000,
      renewEveryMs: 10_000,
      createRegistration: (trunk): RunningRegistration => ({
        start: () => log.push(`start ${trunk.id} ${trunk.password ?? ''}`),
        stop: async (opts) => void log.push(`stop ${trunk.id}${opts?.unregister === false ? ' (no unregister)' : ''}`),
      }),
    });
    return { registrar, log };
  }

  it('registers a line anew when its settings change (e.g. a new password)', async () => {
    let current: T = { ...line, password: 'old' };
    const { registrar, log } = registrarWith(async () => [current]);
    await registrar.start();
    current = { ...line, password: 'new' };
    await vi.advanceTimersByTimeAsync(10_000);
    expect(log).toEqual(['start line-1 old', 'stop line-1', 'start line-1 new']);
    await registrar.stop();
  });

  it('stops registering (without unregistering) when the store was unreachable for a whole lease TTL: another edge may own the line', async () => {
    let reachable = true;
    const { registrar, log } = registrarWith(async () => {
      if (!reachable) throw new Error('store unreachable');
      return [line];
    });
    await registrar.start();
    reachable = false;
    await vi.advanceTimersByTimeAsync(20_000);
    expect(log).toEqual(['start line-1 ']); // within the TTL: keep going
    await vi.advanceTimersByTimeAsync(20_000);
    expect(log).toEqual(['start line-1 ', 'stop line-1 (no unregister)']);
    reachable = true;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(log.at(-1)).toBe('start line-1 ');
    await registrar.stop();
  });
});
