import { hostname } from 'node:os';
import { z } from 'zod';
import { isAddressOrBlock } from '../../contracts/fail-to-ban/address-set.js';
import { DEFAULT_SECURITY_SETTINGS as SECURITY, type SecuritySettings } from './security/security-settings.js';

/**
 * Edge / local-stack settings, all from environment variables. Every setting
 * has its documented default here (Kamailio style: one place to read them);
 * the README's settings table mirrors this file.
 */
const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

const EnvSchema = z.object({
  /** SIP over UDP and TCP listen on this port. */
  PBX_SIP_PORT: port(5060),
  /** HTTP: SIP over WebSocket at /ws (subprotocol "sip"), /healthz, the softphone. HTTPS/WSS when a certificate is set. */
  PBX_HTTP_PORT: port(8080),
  /** SIP over TLS (only when PBX_TLS_CERT and PBX_TLS_KEY are set). */
  PBX_TLS_PORT: port(5061),
  /** Address every listener binds to. */
  PBX_BIND: z.string().min(1).default('127.0.0.1'),
  /** Host put in Via / Record-Route; defaults to PBX_BIND (set it when binding 0.0.0.0). */
  PBX_ADVERTISED_HOST: z.string().min(1).optional(),
  /** Embedded store and generated secrets live here; a restart keeps users and registrations. */
  PBX_DATA_DIR: z.string().min(1).default('./.pbx-data'),
  /** Seed file (JSON) applied at start; the demo seed when unset. */
  PBX_SEED: z.string().min(1).optional(),
  PBX_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** PEM files; when both are set the HTTP port serves HTTPS/WSS and SIP over TLS listens on PBX_TLS_PORT. */
  PBX_TLS_CERT: z.string().min(1).optional(),
  PBX_TLS_KEY: z.string().min(1).optional(),
  /** Name of this edge; bindings remember it so other edges can reach the device through it. */
  PBX_EDGE_ID: z.string().min(1).default(hostname()),
  /** Use an external DynamoDB (AWS, LocalStack, DynamoDB Local, another edge's embedded store) instead of the embedded one. */
  PBX_DYNAMODB_ENDPOINT: z.string().url().optional(),
  /** Port of the embedded store (0 = any free port). */
  PBX_STORE_PORT: port(0),
  PBX_TABLE_NAME: z.string().min(3).default('nimbus-pbx'),
  /** How the edge calls functions: in this process (local) or AWS Lambda Invoke (cloud). */
  PBX_INVOKER: z.enum(['in-process', 'lambda']).default('in-process'),
  /** Lambda function names are <prefix><function>, e.g. nimbus-dev-register (the CDK stage's prefix). */
  PBX_FUNCTION_PREFIX: z.string().regex(/^[A-Za-z0-9_-]*$/).default('nimbus-'),
  /** Another Lambda endpoint (LocalStack, a test stub); the regional AWS endpoint when unset. */
  PBX_LAMBDA_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://localhost:4566' }).optional(),
  /** Publish PBX events to this EventBridge bus; the in-process bus when unset. */
  PBX_EVENT_BUS_NAME: z.string().min(1).optional(),
  /** Another EventBridge endpoint (LocalStack, a test stub). */
  PBX_EVENTBRIDGE_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://localhost:4566' }).optional(),
  /** Seconds a TCP/WebSocket connection may stay silent before it is closed (RFC 5626 keep-alives reset it). */
  PBX_IDLE_TIMEOUT_SECONDS: z.coerce.number().int().min(10).default(900),
  /** RFC 3261 §16.8 Timer C: a ringing branch is cancelled after this (the RFC wants > 3 minutes; tests use less). */
  PBX_TIMER_C_SECONDS: z.coerce.number().int().min(1).default(181),
  /** How often the local stack runs the reaper (closes calls and frees slots of dead edges; every minute in the cloud). */
  PBX_REAPER_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(60),
  /** The edge's heartbeat period; its calls, slots and flows count as lost 3 periods after the last beat. */
  PBX_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).default(10),
  /** Address other edges use to reach this one (edge-to-edge SIP); PBX_ADVERTISED_HOST by default, the task's private IP on ECS. */
  PBX_PEER_HOST: z.string().min(1).optional(),
  /**
   * Lease on each registering trunk (external line), seconds: only the edge holding it registers the line, and
   * another edge takes a dead edge's lines over at most this long after its last renewal (renewed every third). Default 30.
   */
  PBX_TRUNK_LEASE_SECONDS: z.coerce.number().int().min(1).default(30),
  // ---- protection (docs/security.md; fail-to-ban thresholds are the seed's system.f2b, not variables)
  /** HTTP proxies (addresses / CIDR blocks, comma-separated) whose X-Forwarded-For names the WebSocket client; none by default. */
  PBX_TRUSTED_PROXIES: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((p) => p.trim()).filter((p) => p !== ''))
    .refine((list) => list.every(isAddressOrBlock), { message: 'must list IP addresses or CIDR blocks, comma-separated' }),
  /** Flood control (like Kamailio pike): messages one address may send per window before it is dropped; 0 = off. Default 100. */
  PBX_PIKE_REQUESTS: z.coerce.number().int().min(0).default(SECURITY.pike.requests),
  /** Window of PBX_PIKE_REQUESTS, seconds. Default 2. */
  PBX_PIKE_WINDOW_SECONDS: z.coerce.number().int().min(1).default(SECURITY.pike.windowSeconds),
  /** A flooding address is dropped this long after its last excess, seconds. Default 60. */
  PBX_PIKE_BLOCK_SECONDS: z.coerce.number().int().min(1).default(SECURITY.pike.blockSeconds),
  /** One address's requests (REGISTER, INVITE, MESSAGE) authenticated by the functions at once; the rest wait. Default 4. */
  PBX_AUTH_CONCURRENCY_PER_ADDRESS: z.coerce.number().int().min(1).default(SECURITY.authPerAddress.concurrent),
  /** One address's requests waiting for authentication; beyond this they get 503. Default 100. */
  PBX_AUTH_QUEUE_PER_ADDRESS: z.coerce.number().int().min(0).default(SECURITY.authPerAddress.queued),
  /** Open TCP/TLS/WebSocket connections one address may hold. Default 50. */
  PBX_MAX_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(1).default(SECURITY.maxConnectionsPerAddress),
  /** Slowloris: a SIP message on TCP/TLS/WebSocket (and a new connection's first one) must arrive whole within this, seconds. Default 10. */
  PBX_HEADER_TIMEOUT_SECONDS: z.coerce.number().int().min(1).default(SECURITY.headerTimeoutSeconds),
  /** An HTTP connection (WebSocket upgrade) must send its request within this, seconds. Default 10. */
  PBX_HANDSHAKE_TIMEOUT_SECONDS: z.coerce.number().int().min(1).default(SECURITY.handshakeTimeoutSeconds),
  /** How often the edge re-reads the bans from the store (other edges' bans arrive this way), seconds. Default 2. */
  PBX_BAN_POLL_SECONDS: z.coerce.number().int().min(1).default(SECURITY.banPollSeconds),
});

export type EdgeConfig = {
  sipPort: number;
  httpPort: number;
  tlsPort: number;
  bind: string;
  advertisedHost: string;
  dataDir: string;
  seedFile?: string;
  logLevel: string;
  tls?: { certFile: string; keyFile: string };
  edgeId: string;
  dynamoEndpoint?: string;
  storePort: number;
  tableName: string;
  invoker: 'in-process' | 'lambda';
  functionPrefix: string;
  lambdaEndpoint?: string;
  eventBusName?: string;
  eventBridgeEndpoint?: string;
  idleTimeoutSeconds: number;
  timerCSeconds: number;
  reaperIntervalSeconds: number;
  heartbeatSeconds: number;
  peerHost?: string;
  /** Lease on each registering trunk (edge/src/trunks/trunk-lease.ts). */
  trunkLeaseSeconds: number;
  /** Fail-to-ban enforcement, flood control, connection caps and timeouts (edge/src/security). */
  security: SecuritySettings;
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): EdgeConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`Invalid setting ${String(issue.path.join('.'))}: ${issue.message}`);
  }
  const e = parsed.data;
  if (Boolean(e.PBX_TLS_CERT) !== Boolean(e.PBX_TLS_KEY)) {
    throw new ConfigError(`Invalid setting ${e.PBX_TLS_CERT ? 'PBX_TLS_KEY' : 'PBX_TLS_CERT'}: TLS needs both PBX_TLS_CERT and PBX_TLS_KEY`);
  }
  return {
    sipPort: e.PBX_SIP_PORT,
    httpPort: e.PBX_HTTP_PORT,
    tlsPort: e.PBX_TLS_PORT,
    bind: e.PBX_BIND,
    advertisedHost: e.PBX_ADVERTISED_HOST ?? (e.PBX_BIND === '0.0.0.0' ? '127.0.0.1' : e.PBX_BIND),
    dataDir: e.PBX_DATA_DIR,
    seedFile: e.PBX_SEED,
    logLevel: e.PBX_LOG_LEVEL,
    tls: e.PBX_TLS_CERT && e.PBX_TLS_KEY ? { certFile: e.PBX_TLS_CERT, keyFile: e.PBX_TLS_KEY } : undefined,
    edgeId: e.PBX_EDGE_ID,
    dynamoEndpoint: e.PBX_DYNAMODB_ENDPOINT,
    storePort: e.PBX_STORE_PORT,
    tableName: e.PBX_TABLE_NAME,
    invoker: e.PBX_INVOKER,
    functionPrefix: e.PBX_FUNCTION_PREFIX,
    lambdaEndpoint: e.PBX_LAMBDA_ENDPOINT,
    eventBusName: e.PBX_EVENT_BUS_NAME,
    eventBridgeEndpoint: e.PBX_EVENTBRIDGE_ENDPOINT,
    idleTimeoutSeconds: e.PBX_IDLE_TIMEOUT_SECONDS,
    timerCSeconds: e.PBX_TIMER_C_SECONDS,
    reaperIntervalSeconds: e.PBX_REAPER_INTERVAL_SECONDS,
    heartbeatSeconds: e.PBX_HEARTBEAT_SECONDS,
    peerHost: e.PBX_PEER_HOST,
    trunkLeaseSeconds: e.PBX_TRUNK_LEASE_SECONDS,
    security: {
      trustedProxies: e.PBX_TRUSTED_PROXIES,
      pike: { requests: e.PBX_PIKE_REQUESTS, windowSeconds: e.PBX_PIKE_WINDOW_SECONDS, blockSeconds: e.PBX_PIKE_BLOCK_SECONDS },
      authPerAddress: { concurrent: e.PBX_AUTH_CONCURRENCY_PER_ADDRESS, queued: e.PBX_AUTH_QUEUE_PER_ADDRESS },
      maxConnectionsPerAddress: e.PBX_MAX_CONNECTIONS_PER_ADDRESS,
      headerTimeoutSeconds: e.PBX_HEADER_TIMEOUT_SECONDS,
      handshakeTimeoutSeconds: e.PBX_HANDSHAKE_TIMEOUT_SECONDS,
      banPollSeconds: e.PBX_BAN_POLL_SECONDS,
    },
  };
}
