/**
 * Which web pages may open SIP-over-WebSocket connections (RFC 6455 §10.2:
 * a server that serves only its own pages checks `Origin`). Without it, any
 * site an office worker visits could make the office's browsers register
 * against the PBX, or guess passwords from the office's address and get it
 * banned. Allowed: the PBX's own origin (the softphone it serves: same host
 * and port as the upgrade request), the configured origins
 * (PBX_WS_ORIGINS, e.g. the cloud softphone site), or everything with `*`.
 * A client that sends no Origin is not a browser (JsSIP in Node, desk
 * phones, SIPp): browsers always send one, so the check does not apply.
 */
export class OriginPolicy {
  private readonly any: boolean;
  private readonly allowed: Set<string>;

  constructor(origins: readonly string[]) {
    this.any = origins.includes('*');
    this.allowed = new Set(origins.filter((o) => o !== '*').map(normalizeOrigin).filter((o): o is string => o !== undefined));
  }

  /** `origin` as sent (or undefined), `host` the request's Host header. */
  admits(origin: string | undefined, host: string | undefined): boolean {
    if (origin === undefined || this.any) return true;
    const normalized = normalizeOrigin(origin);
    if (normalized === undefined) return false;
    if (this.allowed.has(normalized)) return true;
    // Same origin: the page was served by this HTTP server (same host and port as the upgrade).
    return host !== undefined && new URL(normalized).host === host.toLowerCase();
  }
}

/** scheme://host[:port], lower case, default ports dropped (RFC 6454 §6.2); undefined for "null" and garbage. */
export function normalizeOrigin(origin: string): string | undefined {
  try {
    const url = new URL(origin.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return `${url.protocol}//${url.host}`.toLowerCase();
  } catch {
    return undefined;
  }
}
