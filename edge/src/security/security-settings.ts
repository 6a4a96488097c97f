/**
 * The edge's protection settings (environment variables, parsed in
 * edge/src/config.ts; documented defaults here and in docs/security.md).
 * Fail-to-ban's own thresholds (failures, window, ban length, whitelist) are
 * system settings in the store (contracts/fail-to-ban/f2b-settings.ts): every
 * edge and function must agree on them.
 */
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
  /** One address's requests being authenticated by the functions at once, and waiting (guarded-invoker.ts). */
  authPerAddress: {
    /** PBX_AUTH_CONCURRENCY_PER_ADDRESS */
    concurrent: number;
    /** PBX_AUTH_QUEUE_PER_ADDRESS: beyond it, 503 */
    queued: number;
  };
  /** PBX_MAX_CONNECTIONS_PER_ADDRESS: open TCP/TLS/WebSocket connections one address may hold. */
  maxConnectionsPerAddress: number;
  /** PBX_HEADER_TIMEOUT_SECONDS: a partial SIP message (or a new connection's first message) may take this long to arrive. */
  headerTimeoutSeconds: number;
  /** PBX_HANDSHAKE_TIMEOUT_SECONDS: an HTTP connection must send its (WebSocket upgrade) request within this. */
  handshakeTimeoutSeconds: number;
  /** PBX_BAN_POLL_SECONDS: how often the edge re-reads the bans from the store. */
  banPollSeconds: number;
}

export const DEFAULT_SECURITY_SETTINGS: Readonly<SecuritySettings> = Object.freeze({
  trustedProxies: [],
  pike: { requests: 100, windowSeconds: 2, blockSeconds: 60 },
  authPerAddress: { concurrent: 4, queued: 100 },
  maxConnectionsPerAddress: 50,
  headerTimeoutSeconds: 10,
  handshakeTimeoutSeconds: 10,
  banPollSeconds: 2,
});
