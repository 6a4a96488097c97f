import { getHeader, parseMessage, tagOf, validateRequest, validateResponse } from '../../../sip/index.js';
import type { EdgeIdentity, RegisterResult } from '../../../contracts/function-events.js';
import type { EventBus } from '../../../contracts/bus/event-bus.js';
import type { Invoker } from '../invoker/invoker.js';
import type { Logger } from '../logger.js';
import type { AuthenticationGuard } from '../security/auth-guard.js';
import type { SecurityGate } from '../security/security-gate.js';
import { TransactionLayer } from '../transaction/index.js';
import type { Flow } from '../transport/flow.js';
import { TransportLayer } from '../transport/transport-layer.js';
import type { SipCapture } from '../transport/sip-capture.js';
import type { Source } from '../../../contracts/transport.js';
import type { SipMessage, SipRequest } from '../../../sip/message.js';
import { stampReceived } from '../transport/via-received.js';
import { CallRegistry } from '../proxy/call-registry.js';
import { ReleaseBatcher } from '../proxy/release-batcher.js';
import { DEFAULT_SLOT_AUDIT, SlotAudit, type SlotAuditOptions } from '../proxy/slot-audit.js';
import { forwardAck, nextHop } from '../proxy/in-dialog-forwarder.js';
import type { MediaAnchors } from '../media/media-anchors.js';
import { LocalAddresses } from '../proxy/local-addresses.js';
import { OwnCredentials } from '../proxy/own-credentials.js';
import { HopTokens } from '../proxy/hop-token.js';
import { NonceCounts } from '../security/nonce-counts.js';
import { OriginPolicy } from '../security/origin-policy.js';
import type { ProxyContext } from '../proxy/proxy-context.js';
import { popOwnRoutes } from '../proxy/route-set.js';
import { EdgeHeartbeat } from './edge-heartbeat.js';
import { InviteChallenges } from './invite-challenges.js';
import { RegistrarChallenges } from './registrar-challenges.js';
import { routeRequest } from './request-route.js';
import type { RouteContext } from './route-state.js';
import { replyStatelessly } from './stateless-reply.js';
import { PerCallLogs } from './per-call-logs.js';

export interface SipEdgeOptions {
  identity: EdgeIdentity;
  invoker: Invoker;
  bus: EventBus;
  logger: Logger;
  /** Signs hop tokens in Record-Route/Route; every edge of a deployment shares it. */
  secret: string;
  bind: string;
  /** Host peers reach this edge at (Via, Record-Route, heartbeat). */
  advertisedHost: string;
  /** RFC 3261 §16.8 Timer C (default 181 s: "greater than 3 minutes"). */
  timerCMs?: number;
  /** How long an answered call waits for the ACK of its 2xx before it is over (PBX_ACK_WAIT_SECONDS). */
  ackWaitMs?: number;
  /** How often the edge tells the store it is alive (0 = never, for tests that fake an edge). */
  heartbeatMs?: number;
  /** How often this edge's trunk and call slots are audited against the calls it carries (0 = never; default 60 s) and the grace of a fresh take (default 120 s): slot-audit.ts. */
  slotAudit?: SlotAuditOptions;
  /** Address other edges send SIP to for devices this edge holds (default: advertisedHost). */
  peerHost?: string;
  sipPort: number;
  tlsPort?: number;
  tls?: { cert: Buffer; key: Buffer };
  /** CAs trusted for outbound TLS (to carriers) besides the system's: PBX_TRUNK_CA_FILE's. */
  clientCa?: readonly string[];
  wsSecure: boolean;
  idleTimeoutMs: number;
  maxMessageBytes?: number;
  /** Fail-to-ban, flood control, connection caps (edge/src/security); none = everything admitted. */
  security?: SecurityGate;
  /** Per-address authentication limits (edge/src/security/auth-guard.ts); none = unlimited. */
  authGuard?: AuthenticationGuard;
  /** PBX_DIALOG_MAX_SECONDS: the longest dialog this edge routes (its Record-Route tokens expire then); default 24 h. */
  dialogMaxSeconds?: number;
  /** PBX_WS_ORIGINS: web pages allowed to open WebSocket flows besides the PBX's own (`*` = any); none = any. */
  wsOrigins?: string[];
  /** PBX_NONCE_TTL_SECONDS: how long this edge remembers the nonce counts it saw (replay detection); none = not tracked. */
  nonceTtlMs?: number;
  /** Told of every REGISTER challenge this edge issues itself (registrar-challenges.ts), for the metrics. */
  onLocalChallenge?: (result: RegisterResult) => void;
  /** Told of every call's added set-up latency (ProxyContext.observeAddedLatency), for the metrics. */
  onAddedLatency?: (seconds: number) => void;
  /** PBX_DIRECTORY_CACHE_SECONDS in ms: how long a first 407 of authorize-call is answered again here (invite-challenges.ts); none or 0 = never. */
  inviteChallengeTtlMs?: number;
  /** Copies of every message admitted and sent (HEP capture, edge/src/ops/hep-capture.ts); none = no copies. */
  capture?: SipCapture;
  /** The media bridge (edge/src/media); none = calls that need one get 488. */
  media?: MediaAnchors;
}

/**
 * The SIP edge: transports (RFC 3261 §18) → transactions (§17) → request
 * router. Everything that arrives goes through `receive`, which never throws:
 * a malformed message is answered with 400 when possible and dropped otherwise.
 */
export class SipEdge {
  readonly transport: TransportLayer;
  readonly transactions: TransactionLayer;
  private readonly router: RouteContext;
  readonly proxy: ProxyContext;
  /** First REGISTER challenges issued here (with nonceTtlMs); directory.changed drops its domain realms. */
  readonly challenges?: RegistrarChallenges;
  /** First INVITE challenges issued here (with nonceTtlMs and inviteChallengeTtlMs); directory.changed drops entries. */
  readonly inviteChallenges?: InviteChallenges;
  private readonly heartbeat: EdgeHeartbeat;
  /** Each call's logger and route context, shared by its messages. */
  private readonly perCall = new PerCallLogs((callId) => {
    const logger = this.options.logger.child({ callId });
    return { logger, route: { ...this.router, logger, proxy: { ...this.proxy, logger } } satisfies RouteContext };
  });
  private stopping = false;

  constructor(private readonly options: SipEdgeOptions) {
    const { logger } = options;
    this.transport = new TransportLayer({
      bind: options.bind,
      sipPort: options.sipPort,
      tlsPort: options.tlsPort,
      tls: options.tls,
      ...(options.clientCa ? { clientCa: options.clientCa } : {}),
      wsSecure: options.wsSecure,
      idleTimeoutMs: options.idleTimeoutMs,
      maxMessageBytes: options.maxMessageBytes ?? 65_535,
      logger,
      security: options.security,
      ...(options.wsOrigins ? { wsOrigins: new OriginPolicy(options.wsOrigins) } : {}),
      ...(options.capture ? { capture: options.capture } : {}),
      events: {
        onMessage: (data, source) => this.receive(data, source),
        onFlowClosed: (flow) => this.flowClosed(flow),
      },
    });
    this.transactions = new TransactionLayer({
      sendRequest: (req, dest) => this.transport.sendRequest(req, dest),
      sendResponse: (res, source) => this.transport.sendResponse(res, source),
      logger,
    });
    this.proxy = {
      identity: options.identity,
      secret: options.secret,
      addresses: new LocalAddresses(options.advertisedHost),
      transactions: this.transactions,
      transport: this.transport,
      invoker: options.invoker,
      releases: new ReleaseBatcher(options.invoker, logger),
      slotAudit: new SlotAudit(options.invoker, options.identity, logger, options.slotAudit ?? DEFAULT_SLOT_AUDIT),
      bus: options.bus,
      logger,
      calls: new CallRegistry(),
      credentials: new OwnCredentials(options.secret),
      hops: new HopTokens(options.secret, (options.dialogMaxSeconds ?? 86_400) * 1000),
      timerCMs: options.timerCMs ?? 181_000,
      ackWaitMs: options.ackWaitMs ?? 37_000,
      ...(options.media ? { media: options.media } : {}),
      ...(options.onAddedLatency ? { observeAddedLatency: options.onAddedLatency } : {}),
    };
    if (options.nonceTtlMs) {
      this.challenges = new RegistrarChallenges({
        secret: options.secret,
        identity: options.identity,
        nonceTtlMs: options.nonceTtlMs,
        ...(options.onLocalChallenge ? { observe: options.onLocalChallenge } : {}),
      });
      if (options.inviteChallengeTtlMs) {
        this.inviteChallenges = new InviteChallenges({ secret: options.secret, identity: options.identity, ttlMs: options.inviteChallengeTtlMs });
      }
    }
    this.router = {
      proxy: this.proxy,
      logger,
      registeredFlows: new Set(),
      ...(options.authGuard ? { authGuard: options.authGuard } : {}),
      ...(options.nonceTtlMs ? { nonces: { counts: new NonceCounts(options.nonceTtlMs), ttlMs: options.nonceTtlMs } } : {}),
      ...(this.challenges ? { challenges: this.challenges } : {}),
      ...(this.inviteChallenges ? { inviteChallenges: this.inviteChallenges } : {}),
    };
    this.heartbeat = new EdgeHeartbeat(options.invoker, options.identity, this.proxy.addresses, logger, options.heartbeatMs ?? 10_000, options.peerHost);
  }

  get identity(): EdgeIdentity {
    return this.options.identity;
  }

  async start(): Promise<void> {
    await this.transport.listen();
    for (const protocol of ['udp', 'tcp', 'tls'] as const) {
      const local = this.transport.local(protocol);
      if (local) this.proxy.addresses.setPort(protocol, local.port);
    }
    await this.heartbeat.start();
    this.proxy.slotAudit.start();
  }

  /** The HTTP server carries SIP over WebSocket; its port goes into Via and Record-Route for ws/wss legs. */
  setWebSocketPort(port: number): void {
    this.proxy.addresses.setPort(this.transport.ws.protocol, port);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.heartbeat.stop();
    this.proxy.slotAudit.stop();
    // Ends still in the release window go now, not after the invoker is gone.
    this.proxy.releases.flush();
    await this.transport.close();
  }

  /**
   * Every message, before any transaction: the message-level policies in
   * Kamailio's order — drop banned, flood control, then parse and sanity —
   * and then the transaction layer; a new request takes the request route
   * (request-route.ts). Never throws: nothing a peer sends may take the edge
   * down.
   */
  receive(data: Buffer, source: Source): void {
    const gate = this.options.security;
    // Banned or flooding sources are dropped before parsing: no function runs, no store is read.
    if (gate && (gate.dropBanned(source) || gate.floodControl(source))) return;
    this.options.capture?.received(data, source);
    try {
      const message = this.parseAndCheck(data, source);
      if (message) this.toTransactions(message, source);
    } catch (err) {
      this.options.logger.error({ err, source }, 'unexpected error while receiving a message');
    }
  }

  /** Parse and sanity (RFC 3261 §16.3 / §8.2): a broken request gets 400 naming the problem when its Via lets it find its way back. */
  private parseAndCheck(data: Buffer, source: Source): SipMessage | undefined {
    const { logger } = this.options;
    const parsed = parseMessage(data, { maxMessageBytes: this.options.maxMessageBytes ?? 65_535 });
    if (!parsed.ok) {
      if (parsed.request && parsed.request.method !== 'ACK' && stampReceived(parsed.request, source)) {
        replyStatelessly(this.transport, parsed.request, source, 400, parsed.error);
      }
      logger.debug({ source, error: parsed.error, bytes: data.length }, 'malformed message');
      return undefined;
    }
    const message = parsed.message;
    if (message.kind === 'response') return validateResponse(message) === undefined ? message : undefined;
    const invalid = validateRequest(message);
    if (invalid !== undefined || !stampReceived(message, source)) {
      // Never answer an ACK (§17.1.1.3); answer anything else we can route back.
      if (message.method !== 'ACK' && stampReceived(message, source)) {
        replyStatelessly(this.transport, message, source, 400, invalid ?? 'Malformed Via header');
      }
      this.contextFor(message).logger.debug({ source, method: message.method, error: invalid }, 'invalid request');
      return undefined;
    }
    return message;
  }

  private toTransactions(message: SipMessage, source: Source): void {
    const context = this.contextFor(message);
    const log = context.logger;
    if (message.kind === 'response') {
      if (!this.transactions.receiveResponse(message, source)) log.debug({ source, status: message.status }, 'stray response dropped');
      return;
    }
    log.debug({ source, method: message.method }, 'request');
    const outcome = this.transactions.receiveRequest(message, source);
    if (outcome.kind === 'new') void routeRequest(context.route, outcome.transaction, message, source);
    else if (outcome.kind === 'ack') this.forwardAck(message, source, context.route);
  }

  /**
   * The message's logger and the request route's context with it (the proxy
   * and its call objects log through it): every log line on a message's path
   * names its Call-ID, for correlation with Homer's captures and the CDRs.
   */
  private contextFor(message: SipMessage): { logger: Logger; route: RouteContext } {
    const callId = getHeader(message, 'Call-ID');
    return callId === undefined ? { logger: this.options.logger, route: this.router } : this.perCall.for(callId);
  }

  /** An ACK for a 2xx travels the dialog's route set through this edge (§16.12); anything else is dropped. */
  private forwardAck(ack: SipRequest, source: Source, route: RouteContext): void {
    for (const call of this.proxy.calls.forDialog(getHeader(ack, 'Call-ID') ?? '', tagOf(ack, 'From'), tagOf(ack, 'To'))) call.ackSeen();
    const hop = nextHop(ack, popOwnRoutes(ack, this.proxy.identity.id, this.proxy.hops));
    if (!hop) return;
    forwardAck(route.proxy, ack, hop, source, this.proxy.media?.forDialog(ack));
  }

  private flowClosed(flow: Flow): void {
    if (this.stopping || !this.router.registeredFlows.delete(flow.id)) return;
    this.options.invoker
      .invoke('flow-closed', { type: 'flow-closed', edge: this.options.identity, flowId: flow.id })
      .then(
        (result) => this.options.logger.debug({ flow: flow.id, removed: result.removedBindings }, 'flow closed'),
        (err) => this.options.logger.warn({ err, flow: flow.id }, 'flow-closed function failed'),
      );
  }
}
