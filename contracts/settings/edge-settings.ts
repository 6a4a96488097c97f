/**
 * Settings of the edge and of the local stack around it, all from PBX_
 * environment variables. Every setting has its documented default here
 * (Kamailio style: one place to read them); the README's settings table
 * mirrors this file. The store, registrar and bus variables are their own
 * sections (store-settings.ts, registrar-settings.ts, bus-settings.ts).
 */
import { hostname } from 'node:os';
import { z } from 'zod';
import { isAddressOrBlock } from '../fail-to-ban/address-set.js';
import { commaList, httpUrl, optionalString, parseEnv, port, stringWithDefault, wholeNumber, type Env, type Parsed } from './env-values.js';

/** The edge's protection (docs/security.md); fail-to-ban's thresholds are the seed's system.f2b, not variables. */
export interface SecuritySettings {
  /** PBX_TRUSTED_PROXIES: HTTP proxies whose X-Forwarded-For is believed (addresses / CIDR blocks). */
  trustedProxies: string[];
  pike: {
    /** PBX_PIKE_REQUESTS: messages one address may send per window (0 = no flood control). */
    requests: number;
    /** PBX_PIKE_WINDOW_SECONDS */
    windowSeconds: number;
    /** PBX_PIKE_BLOCK_SECONDS: how long a flooding address is dropped after its last excess. */
    blockSeconds: number;
  };
  /** One address's requests being authenticated by the functions at once, and waiting (edge/src/security/auth-lanes.ts). */
  authPerAddress: {
    /** PBX_AUTH_CONCURRENCY_PER_ADDRESS */
    concurrent: number;
    /** PBX_AUTH_QUEUE_PER_ADDRESS: beyond it, 503 */
    queued: number;
    /** PBX_AUTH_QUEUE_WAIT_MS: a request that waited longer gets 503 (0 = no bound) */
    maxWaitMs?: number;
  };
  /** PBX_MAX_CONNECTIONS_PER_ADDRESS: open TCP/TLS/WebSocket connections one address may hold. */
  maxConnectionsPerAddress: number;
  /** PBX_HEADER_TIMEOUT_SECONDS: a partial SIP message (or a new connection's first message) may take this long to arrive. */
  headerTimeoutSeconds: number;
  /** PBX_HANDSHAKE_TIMEOUT_SECONDS: an HTTP connection must send its (WebSocket upgrade) request within this. */
  handshakeTimeoutSeconds: number;
  /** PBX_BAN_POLL_SECONDS: how often the edge re-reads the bans from the store. */
  banPollSeconds: number;
  /** PBX_WS_ORIGINS: web origins allowed to open WebSocket flows besides the PBX's own page (`*` = any). */
  wsOrigins: string[];
}

export const DEFAULT_SECURITY_SETTINGS: Readonly<SecuritySettings> = Object.freeze({
  trustedProxies: [],
  pike: { requests: 100, windowSeconds: 2, blockSeconds: 60 },
  authPerAddress: { concurrent: 4, queued: 100, maxWaitMs: 3_000 },
  maxConnectionsPerAddress: 50,
  headerTimeoutSeconds: 10,
  handshakeTimeoutSeconds: 10,
  banPollSeconds: 2,
  wsOrigins: [],
});

export interface EdgeSettings {
  sipPort: number;
  httpPort: number;
  tlsPort: number;
  bind: string;
  advertisedHost: string;
  dataDir: string;
  seedFile?: string;
  logLevel: string;
  tls?: { certFile: string; keyFile: string };
  /** PBX_TRUNK_CA_FILE: PEM CAs trusted for TLS to carriers, besides the system's (edge/src/transport/trunk-trust.ts). */
  trunkCaFile?: string;
  edgeId: string;
  storePort: number;
  /** PBX_STORE_THREAD: the embedded store on a worker thread of its own (default) or on the main thread. */
  storeThread: boolean;
  /** PBX_FUNCTIONS_THREAD: the functions the edge invokes on a worker thread of their own (default) or on the main thread. */
  functionsThread: boolean;
  invoker: 'in-process' | 'lambda';
  functionPrefix: string;
  lambdaEndpoint?: string;
  idleTimeoutSeconds: number;
  timerCSeconds: number;
  /** PBX_ACK_WAIT_SECONDS: an answered call whose 2xx no ACK confirms within this is over (RFC 3261 §13.3.1.4). */
  ackWaitSeconds: number;
  /** PBX_DIALOG_MAX_SECONDS: the longest call (dialog) the edge routes; its Record-Route tokens expire then. */
  dialogMaxSeconds: number;
  reaperIntervalSeconds: number;
  /** PBX_CDR_BATCH_WINDOW_MS: how long the local stack collects call events before handing them to cdr as one batch. */
  cdrBatchWindowMs: number;
  heartbeatSeconds: number;
  peerHost?: string;
  /** Lease on each registering trunk (edge/src/trunks/trunk-lease.ts). */
  trunkLeaseSeconds: number;
  /** How often the edge's trunk and call slots are audited against the calls it carries (0 = never), and the grace of a fresh take (edge/src/proxy/slot-audit.ts). */
  slotAuditSeconds: number;
  slotAuditGraceSeconds: number;
  /** Fail-to-ban enforcement, flood control, connection caps and timeouts (edge/src/security). */
  security: SecuritySettings;
}

const SECURITY = DEFAULT_SECURITY_SETTINGS;

const edgeSchema = z
  .object({
    /** SIP over UDP and TCP listen on this port. */
    PBX_SIP_PORT: port(5060),
    /** HTTP: SIP over WebSocket at /ws (subprotocol "sip"), /healthz, the softphone. HTTPS/WSS when a certificate is set. */
    PBX_HTTP_PORT: port(8080),
    /** SIP over TLS (only when PBX_TLS_CERT and PBX_TLS_KEY are set). */
    PBX_TLS_PORT: port(5061),
    /** Address every listener binds to. */
    PBX_BIND: stringWithDefault('127.0.0.1'),
    /** Host put in Via / Record-Route; defaults to PBX_BIND (set it when binding 0.0.0.0). */
    PBX_ADVERTISED_HOST: optionalString,
    /** Embedded store and generated secrets live here; a restart keeps users and registrations. */
    PBX_DATA_DIR: stringWithDefault('./.pbx-data'),
    /** Seed file (JSON) applied at start; the demo seed when unset. */
    PBX_SEED: optionalString,
    PBX_LOG_LEVEL: z.preprocess((v) => (v === '' || v === undefined ? 'info' : v), z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])),
    /** PEM files; when both are set the HTTP port serves HTTPS/WSS and SIP over TLS listens on PBX_TLS_PORT. */
    PBX_TLS_CERT: optionalString,
    PBX_TLS_KEY: optionalString,
    /** PEM file of CAs trusted for TLS to carriers, added to the system's roots; read at start. */
    PBX_TRUNK_CA_FILE: optionalString,
    /** Name of this edge; bindings remember it so other edges can reach the device through it. */
    PBX_EDGE_ID: z.preprocess((v) => (v === '' || v === undefined ? hostname() : v), z.string().min(1)),
    /** Port of the embedded store (0 = any free port). */
    PBX_STORE_PORT: port(0),
    /** The embedded store on its own worker thread, beside the edge and the functions (true), or on the main thread (false). */
    PBX_STORE_THREAD: z.preprocess((v) => (v === '' || v === undefined ? 'true' : v), z.enum(['true', 'false'])),
    /** The functions the edge invokes on their own worker thread (true), or on the main thread with the edge (false). */
    PBX_FUNCTIONS_THREAD: z.preprocess((v) => (v === '' || v === undefined ? 'true' : v), z.enum(['true', 'false'])),
    /** How the edge calls functions: in this process (local) or AWS Lambda Invoke (cloud). */
    PBX_INVOKER: z.preprocess((v) => (v === '' || v === undefined ? 'in-process' : v), z.enum(['in-process', 'lambda'])),
    /** Lambda function names are <prefix><function>, e.g. nimbus-dev-register (the CDK stage's prefix). */
    PBX_FUNCTION_PREFIX: z.preprocess((v) => v ?? 'nimbus-', z.string().regex(/^[A-Za-z0-9_-]*$/, { error: 'may hold only A-Z a-z 0-9 _ -' })),
    /** Another Lambda endpoint (LocalStack, a test stub); the regional AWS endpoint when unset. */
    PBX_LAMBDA_ENDPOINT: httpUrl,
    /** Seconds a TCP/WebSocket connection may stay silent before it is closed (RFC 5626 keep-alives reset it). */
    PBX_IDLE_TIMEOUT_SECONDS: wholeNumber(900, 10),
    /** RFC 3261 §16.8 Timer C: a ringing branch is cancelled after this (the RFC wants > 3 minutes; tests use less). */
    PBX_TIMER_C_SECONDS: wholeNumber(181, 1),
    /**
     * RFC 3261 §13.3.1.4: a callee whose 2xx no ACK confirms in 64·T1 (32 s) ends the session with a BYE. The edge
     * waits that plus T4 (5 s), so a compliant callee's BYE comes first, then ends the call's accounting itself
     * (slots, CDR): a caller that vanished after the 2xx must not hold a slot for ever. Tests use less.
     */
    PBX_ACK_WAIT_SECONDS: wholeNumber(37, 1),
    /** Longest dialog the edge routes, seconds: the hop tokens in its Record-Route expire then (a bounded lifetime). Default 86400 (24 h). */
    PBX_DIALOG_MAX_SECONDS: wholeNumber(86_400, 60),
    /** How often the local stack runs the reaper (closes calls and frees slots of dead edges; every minute in the cloud). */
    PBX_REAPER_INTERVAL_SECONDS: wholeNumber(60, 1),
    /**
     * The local stack's stand-in for the cdr queue's batching window (1 s in the cloud, event-routes.ts): call events are
     * collected this long and written as one batch (a short call's four events as one UpdateItem). 0 = a batch per event.
     */
    PBX_CDR_BATCH_WINDOW_MS: wholeNumber(250, 0, 60_000),
    /** The edge's heartbeat period; its calls, slots and flows count as lost 3 periods after the last beat. */
    PBX_HEARTBEAT_SECONDS: wholeNumber(10, 1),
    /** Address other edges use to reach this one (edge-to-edge SIP); PBX_ADVERTISED_HOST by default, the task's private IP on ECS. */
    PBX_PEER_HOST: optionalString,
    /**
     * Lease on each registering trunk (external line), seconds: only the edge holding it registers the line, and
     * another edge takes a dead edge's lines over at most this long after its last renewal (renewed every third). Default 30.
     */
    PBX_TRUNK_LEASE_SECONDS: wholeNumber(30, 1),
    /**
     * How often the edge names the calls holding trunk and call slots to the functions, which give back its other slots
     * (an end that never landed): a lost release costs a trunk slot, or a user at the limit, at most this plus the
     * grace. 0 = never. Default 60.
     */
    PBX_SLOT_AUDIT_SECONDS: wholeNumber(60, 0),
    /** Slots younger than this are left alone by the audit (a take whose call the edge does not carry yet). Default 120. */
    PBX_SLOT_AUDIT_GRACE_SECONDS: wholeNumber(120, 1, 86_400),
    // ---- protection (docs/security.md; fail-to-ban thresholds are the seed's system.f2b, not variables)
    /** HTTP proxies (addresses / CIDR blocks, comma-separated) whose X-Forwarded-For names the WebSocket client; none by default. */
    PBX_TRUSTED_PROXIES: commaList.refine((list) => list.every(isAddressOrBlock), { message: 'must list IP addresses or CIDR blocks, comma-separated' }),
    /** Flood control (like Kamailio pike): messages one address may send per window before it is dropped; 0 = off. Default 100. */
    PBX_PIKE_REQUESTS: wholeNumber(SECURITY.pike.requests, 0),
    /** Window of PBX_PIKE_REQUESTS, seconds. Default 2. */
    PBX_PIKE_WINDOW_SECONDS: wholeNumber(SECURITY.pike.windowSeconds, 1),
    /** A flooding address is dropped this long after its last excess, seconds. Default 60. */
    PBX_PIKE_BLOCK_SECONDS: wholeNumber(SECURITY.pike.blockSeconds, 1),
    /** One address's requests (REGISTER, INVITE, MESSAGE) authenticated by the functions at once; the rest wait. Default 4. */
    PBX_AUTH_CONCURRENCY_PER_ADDRESS: wholeNumber(SECURITY.authPerAddress.concurrent, 1),
    /** One address's requests waiting for authentication; beyond this they get 503. Default 100. */
    PBX_AUTH_QUEUE_PER_ADDRESS: wholeNumber(SECURITY.authPerAddress.queued, 0),
    /** Milliseconds a request may wait for authentication; then 503 with Retry-After (overload control). Default 3000; 0 = no bound. */
    PBX_AUTH_QUEUE_WAIT_MS: wholeNumber(SECURITY.authPerAddress.maxWaitMs ?? 0, 0),
    /** Open TCP/TLS/WebSocket connections one address may hold. Default 50. */
    PBX_MAX_CONNECTIONS_PER_ADDRESS: wholeNumber(SECURITY.maxConnectionsPerAddress, 1),
    /** Slowloris: a SIP message on TCP/TLS/WebSocket (and a new connection's first one) must arrive whole within this, seconds. Default 10. */
    PBX_HEADER_TIMEOUT_SECONDS: wholeNumber(SECURITY.headerTimeoutSeconds, 1),
    /** An HTTP connection (WebSocket upgrade) must send its request within this, seconds. Default 10. */
    PBX_HANDSHAKE_TIMEOUT_SECONDS: wholeNumber(SECURITY.handshakeTimeoutSeconds, 1),
    /** How often the edge re-reads the bans from the store (other edges' bans arrive this way), seconds. Default 2. */
    PBX_BAN_POLL_SECONDS: wholeNumber(SECURITY.banPollSeconds, 1),
    /**
     * Web pages (origins, comma-separated, e.g. https://phone.example.com) allowed to open SIP over WebSocket besides
     * the PBX's own softphone page; `*` = any page. Clients without an Origin (not browsers) are always allowed.
     */
    PBX_WS_ORIGINS: commaList.refine((list) => list.every((o) => o === '*' || /^https?:\/\/[^/\s]+$/i.test(o)), {
      message: 'must list origins like https://phone.example.com (scheme://host[:port], no path), comma-separated, or *',
    }),
  })
  .superRefine((e, ctx) => {
    if (Boolean(e.PBX_TLS_CERT) !== Boolean(e.PBX_TLS_KEY)) {
      const missing = e.PBX_TLS_CERT ? 'PBX_TLS_KEY' : 'PBX_TLS_CERT';
      ctx.addIssue({ code: 'custom', path: [missing], message: 'TLS needs both PBX_TLS_CERT and PBX_TLS_KEY' });
    }
  });

export function parseEdgeSettings(env: Env): Parsed<EdgeSettings> {
  const parsed = parseEnv(edgeSchema, env);
  if (!parsed.ok) return parsed;
  const e = parsed.value;
  return {
    ok: true,
    value: {
      sipPort: e.PBX_SIP_PORT,
      httpPort: e.PBX_HTTP_PORT,
      tlsPort: e.PBX_TLS_PORT,
      bind: e.PBX_BIND,
      advertisedHost: e.PBX_ADVERTISED_HOST ?? (e.PBX_BIND === '0.0.0.0' ? '127.0.0.1' : e.PBX_BIND),
      dataDir: e.PBX_DATA_DIR,
      ...(e.PBX_SEED !== undefined ? { seedFile: e.PBX_SEED } : {}),
      logLevel: e.PBX_LOG_LEVEL,
      ...(e.PBX_TLS_CERT && e.PBX_TLS_KEY ? { tls: { certFile: e.PBX_TLS_CERT, keyFile: e.PBX_TLS_KEY } } : {}),
      ...(e.PBX_TRUNK_CA_FILE !== undefined ? { trunkCaFile: e.PBX_TRUNK_CA_FILE } : {}),
      edgeId: e.PBX_EDGE_ID,
      storePort: e.PBX_STORE_PORT,
      storeThread: e.PBX_STORE_THREAD === 'true',
      functionsThread: e.PBX_FUNCTIONS_THREAD === 'true',
      invoker: e.PBX_INVOKER,
      functionPrefix: e.PBX_FUNCTION_PREFIX,
      ...(e.PBX_LAMBDA_ENDPOINT !== undefined ? { lambdaEndpoint: e.PBX_LAMBDA_ENDPOINT } : {}),
      idleTimeoutSeconds: e.PBX_IDLE_TIMEOUT_SECONDS,
      timerCSeconds: e.PBX_TIMER_C_SECONDS,
      ackWaitSeconds: e.PBX_ACK_WAIT_SECONDS,
      dialogMaxSeconds: e.PBX_DIALOG_MAX_SECONDS,
      reaperIntervalSeconds: e.PBX_REAPER_INTERVAL_SECONDS,
      cdrBatchWindowMs: e.PBX_CDR_BATCH_WINDOW_MS,
      heartbeatSeconds: e.PBX_HEARTBEAT_SECONDS,
      ...(e.PBX_PEER_HOST !== undefined ? { peerHost: e.PBX_PEER_HOST } : {}),
      trunkLeaseSeconds: e.PBX_TRUNK_LEASE_SECONDS,
      slotAuditSeconds: e.PBX_SLOT_AUDIT_SECONDS,
      slotAuditGraceSeconds: e.PBX_SLOT_AUDIT_GRACE_SECONDS,
      security: {
        trustedProxies: e.PBX_TRUSTED_PROXIES,
        pike: { requests: e.PBX_PIKE_REQUESTS, windowSeconds: e.PBX_PIKE_WINDOW_SECONDS, blockSeconds: e.PBX_PIKE_BLOCK_SECONDS },
        authPerAddress: { concurrent: e.PBX_AUTH_CONCURRENCY_PER_ADDRESS, queued: e.PBX_AUTH_QUEUE_PER_ADDRESS, maxWaitMs: e.PBX_AUTH_QUEUE_WAIT_MS },
        maxConnectionsPerAddress: e.PBX_MAX_CONNECTIONS_PER_ADDRESS,
        headerTimeoutSeconds: e.PBX_HEADER_TIMEOUT_SECONDS,
        handshakeTimeoutSeconds: e.PBX_HANDSHAKE_TIMEOUT_SECONDS,
        banPollSeconds: e.PBX_BAN_POLL_SECONDS,
        wsOrigins: e.PBX_WS_ORIGINS,
      },
    },
  };
}
