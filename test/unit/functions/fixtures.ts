/** Shared test data for the functions' unit and store tests. */
import type { AuthorizeCallEvent, RegisterEvent, EdgeIdentity } from '../../../contracts/function-events.js';
import type { Binding } from '../../../functions/src/registration/binding.js';
import type { RegistrarSettings } from '../../../contracts/settings/registrar-settings.js';
import { parseMessage, type SipRequest } from '../../../sip/index.js';
import type { Source } from '../../../contracts/transport.js';

export const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);

export const EDGE: EdgeIdentity = { id: 'edge-a', bootId: 'boot-2' };

export const UDP_SOURCE: Source = { protocol: 'udp', address: '198.51.100.7', port: 5060 };

export const REGISTRAR_SETTINGS: RegistrarSettings = {
  nonceSecret: 'unit-test-nonce-secret-0123456789',
  nonceTtlSeconds: 300,
  minExpires: 60,
  maxExpires: 3600,
  defaultExpires: 3600,
  digestAlgorithms: ['MD5', 'SHA-256'],
  privateContacts: 'allow',
};

/** A stored binding with sensible defaults. */
export function binding(overrides: Partial<Binding> & Pick<Binding, 'key'>): Binding {
  return {
    contact: 'sip:device@198.51.100.7:5060',
    params: {},
    callId: 'call-1',
    cseq: 1,
    expiresAt: NOW + 1_800_000,
    registeredAt: NOW - 1_800_000,
    edgeId: EDGE.id,
    bootId: EDGE.bootId,
    protocol: 'udp',
    address: '198.51.100.7',
    port: 5060,
    ...overrides,
  };
}

/** Parses SIP text written with \n line ends, as it would arrive on the wire (CRLF). */
export function sipRequest(text: string): SipRequest {
  const wire = text.replace(/^\s+/, '').replace(/\r?\n/g, '\r\n');
  const parsed = parseMessage(wire.endsWith('\r\n\r\n') ? wire : `${wire}\r\n`);
  if (!parsed.ok || parsed.message.kind !== 'request') throw new Error(`bad test request: ${parsed.ok ? 'not a request' : parsed.error}`);
  return parsed.message;
}

export interface RegisterTextOptions {
  user: string;
  domain: string;
  callId?: string;
  cseq?: number;
  /** Contact header values (one line each); none = query. */
  contacts?: string[];
  expires?: number;
  authorization?: string;
  requestUri?: string;
  userAgent?: string;
}

/** REGISTER text as a phone writes it (RFC 3261 §10.2). */
export function registerText(o: RegisterTextOptions): string {
  return [
    `REGISTER ${o.requestUri ?? `sip:${o.domain}`} SIP/2.0`,
    'Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK-test;rport',
    'Max-Forwards: 70',
    `From: "Test" <sip:${o.user}@${o.domain}>;tag=from-tag`,
    `To: <sip:${o.user}@${o.domain}>`,
    `Call-ID: ${o.callId ?? 'call-1@198.51.100.7'}`,
    `CSeq: ${o.cseq ?? 1} REGISTER`,
    ...(o.contacts ?? []).map((c) => `Contact: ${c}`),
    ...(o.expires !== undefined ? [`Expires: ${o.expires}`] : []),
    ...(o.authorization ? [`Authorization: ${o.authorization}`] : []),
    `User-Agent: ${o.userAgent ?? 'NimbusTest/1.0'}`,
    'Content-Length: 0',
    '',
    '',
  ].join('\n');
}

export function registerEvent(request: SipRequest, source: Source = UDP_SOURCE, edge: EdgeIdentity = EDGE): RegisterEvent {
  return { type: 'register', edge, source, request };
}

export interface CallTextOptions {
  /** Caller extension (From user) and domain (From host). */
  from: string;
  domain: string;
  /** Dialled number: the Request-URI user. */
  to: string;
  /** Request-URI host; defaults to `domain`. */
  requestHost?: string;
  method?: string;
  callId?: string;
  /** The caller's From tag (default `caller-tag`). */
  fromTag?: string;
  cseq?: number;
  proxyAuthorization?: string;
}

/** An out-of-dialog INVITE (or MESSAGE) as a phone writes it (RFC 3261 §8.1.1). */
export function callText(o: CallTextOptions): string {
  const method = o.method ?? 'INVITE';
  return [
    `${method} sip:${o.to}@${o.requestHost ?? o.domain} SIP/2.0`,
    'Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK-call;rport',
    'Max-Forwards: 70',
    `From: "Caller" <sip:${o.from}@${o.domain}>;tag=${o.fromTag ?? 'caller-tag'}`,
    `To: <sip:${o.to}@${o.requestHost ?? o.domain}>`,
    `Call-ID: ${o.callId ?? 'call-1@198.51.100.7'}`,
    `CSeq: ${o.cseq ?? 1} ${method}`,
    `Contact: <sip:${o.from}@198.51.100.7:5060>`,
    ...(o.proxyAuthorization ? [`Proxy-Authorization: ${o.proxyAuthorization}`] : []),
    'Content-Length: 0',
    '',
    '',
  ].join('\n');
}

export function authorizeCallEvent(request: SipRequest, source: Source = UDP_SOURCE, edge: EdgeIdentity = EDGE, callRef?: string): AuthorizeCallEvent {
  return { type: 'authorize-call', edge, source, request, ...(callRef !== undefined ? { callRef } : {}) };
}
