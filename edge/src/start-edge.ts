/**
 * The composition root of an edge, shared by both entry points (the local
 * stack, edge/src/local-stack/start-local-stack.ts, and the cloud container,
 * edge/src/cloud-main.ts). They differ only in the parts they hand in —
 * which invoker, which bus, how the store is checked, whether the admin API
 * is hosted here — never in how the edge is put together:
 *
 *   protection (bans, flood control) → SIP edge (transports, transactions,
 *   proxy, heartbeat) → external lines → HTTP port (WebSocket, health,
 *   softphone, admin API, metrics)
 *
 * with the operations side (edge/src/ops: metrics, SIP capture) metering the
 * invoker, the bus and the wire,
 *
 * and it stops in the reverse order.
 */
import { DIRECTORY_CHANGED_DETAIL_TYPE } from '../../contracts/bus/directory-events.js';
import type { EventBus } from '../../contracts/bus/event-bus.js';
import type { InProcessBus } from '../../contracts/bus/in-process-bus.js';
import type { EdgeSettings } from '../../contracts/settings/edge-settings.js';
import { DEFAULT_DIRECTORY_CACHE_SECONDS, type StoreSettings } from '../../contracts/settings/store-settings.js';
import type { InProcessStore } from '../../contracts/store/in-process-store.js';
import { newEdgeIdentity } from './core/edge-identity.js';
import { SipEdge } from './core/sip-edge.js';
import type { AdminApiFunction } from './http/admin-api-bridge.js';
import { startHttpServer } from './http/http-server.js';
import type { Invoker } from './invoker/invoker.js';
import type { Logger } from './logger.js';
import type { EdgeOps } from './ops/edge-ops.js';
import { ShutdownSteps } from './process-lifecycle.js';
import { startSecurity, type EdgeSecurity } from './security/start-security.js';
import { startTrunkLines, type TrunkLines } from './trunks/line-keeper.js';
import { loadTrunkCa } from './transport/trunk-trust.js';
import { MediaAnchors } from './media/media-anchors.js';
import { RtpengineNg } from './media/rtpengine-ng.js';

export interface EdgeParts {
  settings: EdgeSettings;
  /** The table the ban watcher polls. */
  store: StoreSettings;
  /** The local stack's embedded store: the ban watcher reads it in-process instead of over store.dynamoEndpoint. */
  inProcessStore?: InProcessStore;
  invoker: Invoker;
  bus: EventBus;
  /** The in-process bus when the functions run in this process: bans reach the gate at once. */
  localBus?: Pick<InProcessBus, 'subscribe'>;
  /** Signs Record-Route hop tokens and digest nonces; every edge and function of a deployment shares it. */
  secret: string;
  /** PBX_NONCE_TTL_SECONDS: nonces are valid this long; the edge remembers their nonce counts that long (replays). */
  nonceTtlSeconds: number;
  /** Where other edges reach this one (default: the advertised host). */
  peerHost?: string;
  tls?: { cert: Buffer; key: Buffer };
  /** /healthz answers 200 only while this says the store answers. */
  storeAnswers: () => Promise<boolean>;
  /** Folder of the softphone's files. */
  staticRoot: string;
  /** Hosted under /api (local stack only; API Gateway in the cloud). */
  adminApi?: AdminApiFunction;
  /** The built admin console served at /admin/ (local stack; the CDN in the cloud). */
  adminConsoleRoot?: string;
  /** Metrics and SIP capture (edge/src/ops/edge-ops.ts); absent = neither. The entry point stops it. */
  ops?: EdgeOps;
  /** The media bridge: rtpengine's ng address (the local stack's child, the cloud task's sidecar); no address = mixed calls get 488. */
  media?: { ng?: { host: string; port: number }; anchorAll: boolean };
  logger: Logger;
}

export interface RunningEdge {
  edge: SipEdge;
  sipPort: number;
  httpPort: number;
  tlsPort?: number;
  /** Fail-to-ban enforcement, flood control, connection limits (edge/src/security). */
  security: EdgeSecurity;
  /** The external lines (registering trunks) this edge keeps registered while it holds their leases. */
  trunkLines: TrunkLines;
  /** Calls anchored in rtpengine, and its reaper. */
  media: MediaAnchors;
  stop(): Promise<void>;
}

export async function startEdge(parts: EdgeParts, steps = new ShutdownSteps(parts.logger)): Promise<RunningEdge> {
  const { settings, logger, ops } = parts;
  try {
    // Bans: loaded now, then polled from the store and, with in-process functions, taken from the bus.
    const security = await startSecurity({
      settings: settings.security,
      ...(parts.store.dynamoEndpoint !== undefined ? { storeEndpoint: parts.store.dynamoEndpoint } : {}),
      ...(parts.inProcessStore ? { inProcessStore: parts.inProcessStore } : {}),
      tableName: parts.store.tableName,
      ...(parts.localBus ? { bus: parts.localBus } : {}),
      logger,
    });
    steps.push(() => security.stop());
    // Read now, so a bad PBX_TRUNK_CA_FILE stops the start instead of the first TLS call.
    const trunkCa = await loadTrunkCa(settings.trunkCaFile);
    const ng = parts.media?.ng;
    const media = new MediaAnchors(ng ? new RtpengineNg(ng.host, ng.port) : undefined, parts.media?.anchorAll ?? false, logger);
    // Orphaned sessions are looked for as often as the store's reaper looks for dead edges.
    media.startReaper(settings.reaperIntervalSeconds * 1000);
    steps.push(() => media.stop());
    const edge = new SipEdge({
      identity: newEdgeIdentity(settings.edgeId),
      invoker: ops ? ops.observeInvoker(parts.invoker) : parts.invoker,
      bus: ops ? ops.observeBus(parts.bus) : parts.bus,
      security: security.gate,
      authGuard: security.authGuard,
      nonceTtlMs: parts.nonceTtlSeconds * 1000,
      wsOrigins: settings.security.wsOrigins,
      ...(ops?.capture ? { capture: ops.capture } : {}),
      ...(ops ? { onLocalChallenge: ops.observeLocalRegister, onAddedLatency: ops.observeAddedLatency } : {}),
      // The bound on staleness of directory data (trunks included) in the functions, for the edge's first 407s too.
      inviteChallengeTtlMs: (parts.store.directoryCacheSeconds ?? DEFAULT_DIRECTORY_CACHE_SECONDS) * 1000,
      secret: parts.secret,
      advertisedHost: settings.advertisedHost,
      ...(parts.peerHost !== undefined ? { peerHost: parts.peerHost } : {}),
      timerCMs: settings.timerCSeconds * 1000,
      ackWaitMs: settings.ackWaitSeconds * 1000,
      dialogMaxSeconds: settings.dialogMaxSeconds,
      heartbeatMs: settings.heartbeatSeconds * 1000,
      slotAudit: { periodMs: settings.slotAuditSeconds * 1000, graceSeconds: settings.slotAuditGraceSeconds },
      logger,
      bind: settings.bind,
      sipPort: settings.sipPort,
      ...(parts.tls ? { tlsPort: settings.tlsPort, tls: parts.tls } : {}),
      wsSecure: Boolean(parts.tls),
      clientCa: trunkCa,
      idleTimeoutMs: settings.idleTimeoutSeconds * 1000,
      media,
    });
    await edge.start();
    steps.push(() => edge.stop());
    // With in-process functions the edge hears directory changes too: a tenant's changed domains are re-learnt at once.
    const { challenges, inviteChallenges } = edge;
    if (parts.localBus && (challenges || inviteChallenges)) {
      const unsubscribe = parts.localBus.subscribe({ detailType: [DIRECTORY_CHANGED_DETAIL_TYPE] }, async (event) => {
        challenges?.changed(event.detail);
        inviteChallenges?.changed(event.detail);
      });
      steps.push(async () => unsubscribe());
    }
    // After edge.start(): REGISTERs carry its listening ports. Stopped before the edge, so the unREGISTERs still go out.
    const trunkLines = await startTrunkLines({ edge, leaseTtlMs: settings.trunkLeaseSeconds * 1000 });
    steps.push(() => trunkLines.stop());
    ops?.watch({ proxy: edge.proxy, trunkLines, gate: security.gate });
    const http = await startHttpServer({
      bind: settings.bind,
      port: settings.httpPort,
      ...(parts.tls ? { tls: parts.tls } : {}),
      logger,
      transport: edge.transport,
      health: async () => edge.transport.local('udp') !== undefined && (await parts.storeAnswers()),
      staticRoot: parts.staticRoot,
      ...(parts.adminApi ? { adminApi: parts.adminApi } : {}),
      ...(parts.adminConsoleRoot ? { adminConsoleRoot: parts.adminConsoleRoot } : {}),
      ...(ops ? { metrics: ops.serveMetrics } : {}),
    });
    steps.push(() => http.close());
    security.guardHttpServer(http.server);
    edge.setWebSocketPort(http.port);
    const tlsPort = edge.transport.local('tls')?.port;
    return {
      edge,
      sipPort: edge.transport.local('udp')!.port,
      httpPort: http.port,
      ...(tlsPort !== undefined ? { tlsPort } : {}),
      security,
      trunkLines,
      media,
      stop: () => steps.run(),
    };
  } catch (err) {
    await steps.run();
    throw err;
  }
}
