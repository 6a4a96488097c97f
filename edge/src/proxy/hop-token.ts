import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';
import { fillRandom } from '../../../sip/index.js';
import type { Destination } from '../../../contracts/transport.js';

/**
 * A hop: how this edge reaches one side of a dialog (a flow, or an address).
 * Hops travel inside the URIs the edge puts in Record-Route and Route headers
 * (the RFC 5626 §5.2 "flow token" idea), so in-dialog requests find the
 * browser behind its WebSocket or the phone behind its NAT without any
 * per-dialog state in the edge — and an edge that restarts still routes BYEs.
 *
 * Tokens are sealed with AES-256-GCM under a key derived from the edges'
 * shared secret (RFC 5869 HKDF):
 * - a peer can neither forge one (to reach somebody else's flow) nor read
 *   one (the addresses and flows of the other side stay hidden);
 * - the dialog's Call-ID is the associated data: a token lifted from one
 *   dialog is worthless in another, and a Record-Route token also names the
 *   caller's From tag, which every in-dialog request must carry as its From
 *   or To tag (in-dialog-forwarder.ts);
 * - every token expires: a Record-Route token with the longest dialog the
 *   PBX allows (PBX_DIALOG_MAX_SECONDS), an edge-to-edge `fwd` token after
 *   a few minutes (it only carries an initial request).
 */
export interface Hop {
  /** protocol */
  p: Destination['protocol'];
  /** address */
  a: string;
  /** port */
  o: number;
  /** flow id, for connection-oriented transports */
  f?: string;
}

export type HopToken =
  /**
   * Record-Route: the two sides of a dialog; `t` = the caller's From tag
   * (tells the direction); `s` = CSeq offset added to the caller's requests
   * towards `d` (a trunk leg that answered a carrier challenge, trunk-leg-request.ts).
   */
  | { k: 'rr'; e: string; t: string; c: Hop; d: Hop; s?: number }
  /** Route from one edge to another for an initial request: deliver to `d`. */
  | { k: 'fwd'; e: string; d: Hop };

/** An edge-to-edge token carries one initial request (and its retransmissions): minutes are plenty. */
const FWD_LIFETIME_MS = 10 * 60_000;

const IV_BYTES = 12;
const TAG_BYTES = 16;

export class HopTokens {
  private readonly key: Buffer;

  constructor(
    secret: string,
    /** PBX_DIALOG_MAX_SECONDS: a Record-Route token lives as long as the longest dialog. */
    private readonly dialogLifetimeMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.key = Buffer.from(hkdfSync('sha256', secret, 'nimbus-hop-token', 'aes-256-gcm', 32));
  }

  /** Seals `token` for the dialog (or initial request) with this Call-ID. */
  seal(token: HopToken, callId: string): string {
    const lifetime = token.k === 'rr' ? this.dialogLifetimeMs : FWD_LIFETIME_MS;
    const body = Buffer.from(JSON.stringify({ ...token, x: Math.ceil((this.now() + lifetime) / 1000) }));
    // GCM needs an IV never used twice with this key: 96 fresh random bits from the CSPRNG (sip/random-pool.ts).
    const iv = Buffer.allocUnsafe(IV_BYTES);
    fillRandom(iv, 0, IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(callId, 'utf8'));
    const sealed = Buffer.concat([cipher.update(body), cipher.final()]);
    return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url');
  }

  /** The token, if it was sealed by an edge of this deployment for this Call-ID and has not expired. */
  open(text: string, callId: string): HopToken | undefined {
    if (typeof text !== 'string' || text.length > 2048 || !/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
    const raw = Buffer.from(text, 'base64url');
    if (raw.length <= IV_BYTES + TAG_BYTES) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(callId, 'utf8'));
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      const body = Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]);
      const { x, ...token } = JSON.parse(body.toString('utf8')) as HopToken & { x?: number };
      if (typeof x !== 'number' || x * 1000 < this.now()) return undefined;
      return (token.k === 'rr' || token.k === 'fwd') && typeof token.e === 'string' ? token : undefined;
    } catch {
      return undefined;
    }
  }
}

export function hopToDestination(hop: Hop): Destination {
  return { protocol: hop.p, address: hop.a, port: hop.o, ...(hop.f ? { flowId: hop.f } : {}) };
}

export function destinationToHop(dest: Destination): Hop {
  return { p: dest.protocol, a: dest.address, o: dest.port, ...(dest.flowId ? { f: dest.flowId } : {}) };
}
