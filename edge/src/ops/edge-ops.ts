/**
 * An edge's operations side, composed once per edge: Prometheus metrics
 * (served at /metrics) and, with PBX_HEP_ADDRESS, SIP capture to Homer. The
 * composition root (edge/src/start-edge.ts) puts its meters on the ports the
 * edge already has — the invoker, the bus, the transport's capture tap —
 * and points the gauges at the running edge; nothing in the SIP path knows
 * about metrics.
 */
import type http from 'node:http';
import type { EventBus } from '../../../contracts/bus/event-bus.js';
import type { PbxEvent } from '../../../contracts/bus/pbx-event.js';
import type { RegisterResult } from '../../../contracts/function-events.js';
import type { OpsSettings } from '../../../contracts/settings/ops-settings.js';
import type { StoreObserver } from '../../../contracts/store/store-timing.js';
import type { Invoker } from '../invoker/invoker.js';
import type { Logger } from '../logger.js';
import type { SecurityGate } from '../security/security-gate.js';
import { ActiveCallBook } from './active-call-book.js';
import { BindingBook } from './binding-book.js';
import { EdgeMetrics, type RegisterResultLabel } from './edge-metrics.js';
import { HepCapture, type LocalEndpoints } from './hep-capture.js';
import { metricsEndpoint } from './metrics-endpoint.js';
import { ObservedBus } from './observed-bus.js';
import { ObservedInvoker, type Invocation } from './observed-invoker.js';
import { TrunkSlotBook } from './trunk-slot-book.js';

/** What the gauges read of a running edge. */
export interface WatchedEdge {
  proxy: { calls: { withCallId(callId: string): unknown[] }; addresses: LocalEndpoints; media?: { readonly size: number } };
  trunkLines: { statuses(): Array<{ tenantId: string; trunkId: string; status: 'online' | 'offline' }> };
  gate: SecurityGate;
}

export interface EdgeOps {
  readonly metrics: EdgeMetrics;
  /** Set when PBX_HEP_ADDRESS is. */
  readonly capture?: HepCapture;
  /** For the DynamoDB clients of the functions hosted in this process. */
  readonly storeObserver: StoreObserver;
  observeInvoker(invoker: Invoker): Invoker;
  observeBus(bus: EventBus): EventBus;
  /** A REGISTER the edge answered itself (its own challenge, edge/src/core/registrar-challenges.ts): counted like the registrar's. */
  observeLocalRegister(result: RegisterResult): void;
  /** A call's added set-up latency at this edge (edge/src/proxy/forking-proxy.ts). */
  observeAddedLatency(seconds: number): void;
  /** Once the edge listens: the gauges' sources and the capture's local ports. */
  watch(edge: WatchedEdge): void;
  /** GET /metrics (metrics-endpoint.ts). */
  serveMetrics(req: http.IncomingMessage, res: http.ServerResponse): Promise<void>;
  stop(): Promise<void>;
}

export interface EdgeOpsOptions {
  edgeId: string;
  /** PBX_BIND: the address HEP packets name as this edge's side when it is a real one. */
  bind: string;
  /** Also accepted at /metrics. */
  adminToken?: string;
  logger: Logger;
}

export function registerResultLabel(result: RegisterResult): RegisterResultLabel {
  if (result.reply.status === 200) return 'ok';
  const outcome = result.auth?.outcome;
  return outcome === 'challenge' || outcome === 'stale' || outcome === 'failed' ? outcome : 'rejected';
}

export async function startEdgeOps(settings: OpsSettings, options: EdgeOpsOptions): Promise<EdgeOps> {
  const logger = options.logger.child({ component: 'ops' });
  const metrics = new EdgeMetrics(options.edgeId);
  const bindings = new BindingBook();
  const trunkSlots = new TrunkSlotBook();
  const calls = new ActiveCallBook();
  const capture = settings.hep ? new HepCapture(settings.hep, options.edgeId, options.bind, logger) : undefined;
  await capture?.start();
  const tokens = [settings.metricsToken, options.adminToken].filter((t): t is string => t !== undefined && t !== '');

  const onInvocation = (call: Invocation): void => {
    metrics.observeFunction(call.name, call.seconds, call.error === undefined);
    switch (call.name) {
      case 'register':
        if (!call.result) return metrics.countRegister('error');
        metrics.countRegister(registerResultLabel(call.result));
        bindings.register(call.event.request, { ...call.result.auth, ...call.result.reply }, call.event.source.flowId, Date.now());
        return;
      case 'flow-closed':
        // The registrar removed the flow's bindings: so does the book. Otherwise only the flow's index entry goes.
        if (call.result && call.result.removedBindings > 0) bindings.flowClosed(call.event.flowId);
        else bindings.forgetFlow(call.event.flowId);
        return;
      case 'authorize-call':
        if (call.result?.decision === 'route' && call.result.call.trunkSlots) trunkSlots.taken(call.result.call.callId, call.result.call.trunkSlots);
        return;
      case 'take-trunk-slot':
        if (call.result?.ok) trunkSlots.taken(call.event.callId, [call.result.slot]);
        return;
      case 'release-call':
        if (call.result && call.event.trunkSlots) trunkSlots.released(call.event.callId, call.event.trunkSlots);
        return;
      default:
        return;
    }
  };
  const onEvent = (event: PbxEvent): void => {
    calls.observe(event);
    if (event.detailType === 'call.end') metrics.countCallEnd(String(event.detail.direction), String(event.detail.disposition));
  };

  return {
    metrics,
    ...(capture ? { capture } : {}),
    storeObserver: (operation, seconds, ok) => metrics.observeStore(operation, seconds, ok),
    observeInvoker: (invoker) => new ObservedInvoker(invoker, onInvocation),
    observeBus: (bus) => new ObservedBus(bus, onEvent),
    observeLocalRegister: (result) => metrics.countRegister(registerResultLabel(result)),
    observeAddedLatency: (seconds) => metrics.observeAddedLatency(seconds),
    watch: (edge) => {
      capture?.useLocalEndpoints(edge.proxy.addresses);
      metrics.watch({
        activeCalls: () => calls.active((callId) => edge.proxy.calls.withCallId(callId).length > 0),
        bindings: () => bindings.counts(Date.now()),
        trunkCalls: () => trunkSlots.usage(),
        lines: () => edge.trunkLines.statuses(),
        bans: () => edge.gate.bans.addresses().filter((address) => edge.gate.isBanned(address)).length,
        mediaCalls: () => edge.proxy.media?.size ?? 0,
        gate: () => edge.gate.counters,
      });
    },
    serveMetrics: metricsEndpoint(metrics, () => tokens),
    stop: async () => {
      await capture?.close();
    },
  };
}
