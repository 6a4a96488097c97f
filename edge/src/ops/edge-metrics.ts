/**
 * The edge's Prometheus metrics (prom-client), one registry per edge so that
 * several edges in one process (tests, the multi-edge demo) never mix their
 * numbers. Counters and histograms are fed as things happen; gauges read
 * their sources when Prometheus scrapes. Every series carries `edge`: the
 * sum over edges is the deployment's figure. Names and meanings are listed in
 * docs/admin.md ("Metrics").
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { GateCounters } from '../security/security-gate.js';
import type { TrunkCalls } from './trunk-slot-book.js';

/** What the gauges read at scrape time. */
export interface MetricSources {
  /** Calls this edge owns (it reports their CDR events), by direction. */
  activeCalls(): Array<{ direction: string }>;
  bindings(): { bindings: number; users: number };
  trunkCalls(): TrunkCalls[];
  /** External lines this edge keeps registered. */
  lines(): Array<{ tenantId: string; trunkId: string; status: 'online' | 'offline' }>;
  /** Addresses banned on this edge now. */
  bans(): number;
  /** Calls whose media this edge anchors in rtpengine now. */
  mediaCalls(): number;
  gate(): GateCounters;
}

/** REGISTER outcomes as `result` label values. */
export type RegisterResultLabel = 'ok' | 'challenge' | 'stale' | 'failed' | 'rejected' | 'error';

/** Function and store calls: a few ms in-process, tens of ms on Lambda and DynamoDB; seconds mean trouble. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Fine around issue 14's bound (p99 of at most 5 ms), so the benchmark can tell which side of it a percentile lies. */
const ADDED_LATENCY_BUCKETS = [0.0005, 0.001, 0.002, 0.003, 0.004, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export class EdgeMetrics {
  readonly registry = new Registry();
  private sources?: MetricSources;
  private readonly registerRequests: Counter<'result'>;
  private readonly calls: Counter<'direction' | 'disposition'>;
  private readonly functionDuration: Histogram<'function' | 'outcome'>;
  private readonly storeDuration: Histogram<'operation' | 'outcome'>;
  private readonly addedLatency: Histogram;

  constructor(edgeId: string) {
    const registers = [this.registry];
    this.registry.setDefaultLabels({ edge: edgeId });
    collectDefaultMetrics({ register: this.registry });
    const read = (): MetricSources | undefined => this.sources;

    this.registerRequests = new Counter({
      name: 'nimbus_register_requests_total',
      help: 'REGISTER requests answered through this edge, by result (ok, challenge, stale, failed, rejected, error)',
      labelNames: ['result'],
      registers,
    });
    new Gauge({
      name: 'nimbus_bindings',
      help: 'Registered contacts (bindings) of devices that registered through this edge',
      registers,
      collect() {
        const s = read();
        if (s) this.set(s.bindings().bindings);
      },
    });
    new Gauge({
      name: 'nimbus_media_calls',
      help: 'Calls whose media this edge anchors in rtpengine now (browser to desk phone or carrier; every call with PBX_MEDIA_ANCHOR_ALL)',
      registers,
      collect() {
        const s = read();
        if (s) this.set(s.mediaCalls());
      },
    });
    new Gauge({
      name: 'nimbus_registered_users',
      help: 'Users with at least one device registered through this edge',
      registers,
      collect() {
        const s = read();
        if (s) this.set(s.bindings().users);
      },
    });
    new Gauge({
      name: 'nimbus_active_calls',
      help: 'Calls in progress (ringing or answered) that this edge proxies, by direction',
      labelNames: ['direction'] as const,
      registers,
      collect() {
        const s = read();
        if (!s) return;
        this.reset();
        for (const direction of ['internal', 'inbound', 'outbound']) this.set({ direction }, 0);
        for (const call of s.activeCalls()) this.inc({ direction: call.direction });
      },
    });
    this.calls = new Counter({
      name: 'nimbus_calls_total',
      help: 'Calls ended, by direction and disposition (answered, busy, no-answer, cancelled, failed, rejected), as in the CDRs',
      labelNames: ['direction', 'disposition'],
      registers,
    });
    new Gauge({
      name: 'nimbus_trunk_calls',
      help: 'Trunk slots held by calls of this edge, by tenant, trunk and direction (in, out)',
      labelNames: ['tenant', 'trunk', 'direction'] as const,
      registers,
      collect() {
        const s = read();
        if (!s) return;
        this.reset();
        for (const u of s.trunkCalls()) this.set({ tenant: u.tenantId, trunk: u.trunkId, direction: u.direction }, u.calls);
      },
    });
    new Gauge({
      name: 'nimbus_trunk_line_up',
      help: 'External lines (registering trunks) this edge keeps registered: 1 registered at the carrier, 0 not',
      labelNames: ['tenant', 'trunk'] as const,
      registers,
      collect() {
        const s = read();
        if (!s) return;
        this.reset();
        for (const line of s.lines()) this.set({ tenant: line.tenantId, trunk: line.trunkId }, line.status === 'online' ? 1 : 0);
      },
    });
    new Gauge({
      name: 'nimbus_bans',
      help: 'Addresses this edge drops everything from (fail-to-ban), now',
      registers,
      collect() {
        const s = read();
        if (s) this.set(s.bans());
      },
    });
    // The gate keeps plain running totals; the counters follow them.
    let dropped = { banned: 0, flooding: 0 };
    new Counter({
      name: 'nimbus_dropped_messages_total',
      help: 'SIP messages dropped before parsing, by reason (banned, flooding)',
      labelNames: ['reason'] as const,
      registers,
      collect() {
        const s = read();
        if (!s) return;
        const g = s.gate();
        this.inc({ reason: 'banned' }, Math.max(0, g.droppedBanned - dropped.banned));
        this.inc({ reason: 'flooding' }, Math.max(0, g.droppedFlooding - dropped.flooding));
        dropped = { banned: g.droppedBanned, flooding: g.droppedFlooding };
      },
    });
    let refused = 0;
    new Counter({
      name: 'nimbus_refused_connections_total',
      help: 'TCP/TLS/WebSocket connections refused (banned address, too many connections from one address)',
      registers,
      collect() {
        const s = read();
        if (!s) return;
        const now = s.gate().refusedConnections;
        this.inc(Math.max(0, now - refused));
        refused = now;
      },
    });
    this.functionDuration = new Histogram({
      name: 'nimbus_function_duration_seconds',
      help: 'Function calls of this edge (in-process or Lambda Invoke), by function and outcome (ok, error)',
      labelNames: ['function', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.addedLatency = new Histogram({
      name: 'nimbus_invite_added_latency_seconds',
      help: 'Per call, the time this edge held its set-up: INVITE arrival to the first branch sent (authorization included), plus first 180/183 arrival to its relay',
      buckets: ADDED_LATENCY_BUCKETS,
      registers,
    });
    this.storeDuration = new Histogram({
      name: 'nimbus_store_request_duration_seconds',
      help: 'DynamoDB requests of the functions this process hosts, by operation and outcome (ok, error)',
      labelNames: ['operation', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
  }

  /** The running edge's parts the gauges read (set once the edge is up). */
  watch(sources: MetricSources): void {
    this.sources = sources;
  }

  countRegister(result: RegisterResultLabel): void {
    this.registerRequests.inc({ result });
  }

  countCallEnd(direction: string, disposition: string): void {
    this.calls.inc({ direction, disposition });
  }

  observeFunction(name: string, seconds: number, ok: boolean): void {
    this.functionDuration.observe({ function: name, outcome: ok ? 'ok' : 'error' }, seconds);
  }

  observeAddedLatency(seconds: number): void {
    this.addedLatency.observe(seconds);
  }

  observeStore(operation: string, seconds: number, ok: boolean): void {
    this.storeDuration.observe({ operation, outcome: ok ? 'ok' : 'error' }, seconds);
  }

  /** The text exposition format (Prometheus 0.0.4). */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
