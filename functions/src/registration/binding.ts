/**
 * A registration binding: one Contact of an address-of-record (RFC 3261
 * §10.3) plus how the edge can reach the device that registered it.
 */
import type { TransportProtocol } from '../../../contracts/transport.js';

export interface Binding {
  /**
   * Identity of the binding for refresh/removal: the `+sip.instance` value
   * (with `reg-id` when present, RFC 5626 §6) when the UA sent one, else the
   * normalized Contact URI (RFC 3261 §10.3 step 7 compares Contact URIs).
   */
  key: string;
  /** The Contact URI as sent, including its URI parameters. */
  contact: string;
  /** Contact header parameters to echo in the 200 OK (e.g. +sip.instance, reg-id, q); never `expires`. */
  params: Record<string, string | null>;
  callId: string;
  cseq: number;
  /** Epoch ms. */
  expiresAt: number;
  /** Epoch ms of the first registration of this key (kept across refreshes). */
  registeredAt: number;
  userAgent?: string;
  /** Edge that received the REGISTER: requests to this binding go out through it. */
  edgeId: string;
  bootId: string;
  /** Connection-oriented flow the REGISTER arrived on (RFC 5626 §3); absent for UDP. */
  flowId?: string;
  /** Epoch ms the flow index entry for this binding lasts (register.ts): a refresh on the same flow writes it again only when it would outlive it. */
  flowIndexUntil?: number;
  /** Transport source of the REGISTER: where the device is reachable (behind NAT this is not the Contact). */
  protocol: TransportProtocol;
  address: string;
  port: number;
}

/** Expired bindings are never handed out, whatever DynamoDB TTL clean-up has done yet. */
export function isLive(binding: Binding, now: number): boolean {
  return binding.expiresAt > now;
}

/**
 * Can the device only be reached over the connection it registered on? True
 * for WebSocket clients (a browser cannot be dialled), ".invalid" Contacts
 * (RFC 7118 §5.2) and RFC 5626 outbound registrations (reg-id). A plain
 * TCP/TLS desk phone that listens on its Contact address stays reachable
 * after its connection closes (RFC 3261 §18.1.1: open a new connection).
 */
export function reachableOnlyThroughFlow(binding: Binding): boolean {
  if (!binding.flowId) return false;
  if (binding.protocol === 'ws' || binding.protocol === 'wss') return true;
  if (binding.params['reg-id'] !== undefined) return true;
  const host = /^sips?:(?:[^@]*@)?(\[[^\]]*\]|[^:;?>]+)/i.exec(binding.contact)?.[1] ?? '';
  return host.toLowerCase().endsWith('.invalid');
}
