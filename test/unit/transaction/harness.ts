/** Shared fixtures for the transaction tests: messages, addresses and a recording transport. */
import { vi } from 'vitest';
import { createResponse, type SipHeader, type SipRequest, type SipResponse } from '../../../sip/index.js';
import { TransactionLayer, type ClientTransactionHandlers, type TimerSettings } from '../../../edge/src/transaction/index.js';
import type { Destination, Source } from '../../../contracts/transport.js';

export const UDP_SOURCE: Source = { protocol: 'udp', address: '192.0.2.10', port: 5060 };
export const TCP_SOURCE: Source = { protocol: 'tcp', address: '192.0.2.10', port: 40000, flowId: 'flow-1' };
export const UDP_DEST: Destination = { protocol: 'udp', address: '198.51.100.20', port: 5060 };
export const TCP_DEST: Destination = { protocol: 'tcp', address: '198.51.100.20', port: 5060 };

export interface RequestOptions {
  method?: string;
  uri?: string;
  branch?: string;
  /** Full top Via value; overrides `branch`. */
  via?: string;
  /** Further Via values below the top one. */
  lowerVias?: string[];
  callId?: string;
  fromTag?: string;
  toTag?: string;
  cseq?: number;
  /** CSeq method when it differs from the request method. */
  cseqMethod?: string;
  routes?: string[];
}

export function makeRequest(o: RequestOptions = {}): SipRequest {
  const method = o.method ?? 'INVITE';
  const via = o.via ?? `SIP/2.0/UDP 192.0.2.10:5060;branch=${o.branch ?? 'z9hG4bK-one'}`;
  const headers: SipHeader[] = [
    { name: 'Via', value: [via, ...(o.lowerVias ?? [])].join(', ') },
    ...(o.routes ?? []).map((value) => ({ name: 'Route', value })),
    { name: 'Max-Forwards', value: '69' },
    { name: 'From', value: `"Alice" <sip:alice@example.com>;tag=${o.fromTag ?? 'from-1'}` },
    { name: 'To', value: `<sip:bob@example.com>${o.toTag ? `;tag=${o.toTag}` : ''}` },
    { name: 'Call-ID', value: o.callId ?? 'call-1@example.com' },
    { name: 'CSeq', value: `${o.cseq ?? 1} ${o.cseqMethod ?? method}` },
    { name: 'Contact', value: '<sip:alice@192.0.2.10:5060>' },
  ];
  return { kind: 'request', method, uri: o.uri ?? 'sip:bob@example.com', headers, body: '' };
}

/** The ACK a UAC sends for a non-2xx final: same branch, the response's To tag, CSeq method ACK. */
export function makeAck(invite: SipRequest, response: SipResponse): SipRequest {
  const headers = invite.headers
    .filter((h) => h.name !== 'Contact')
    .map((h) => {
      if (h.name === 'To') return { name: 'To', value: response.headers.find((r) => r.name === 'To')!.value };
      if (h.name === 'CSeq') return { name: 'CSeq', value: h.value.replace(/\S+$/, 'ACK') };
      return h;
    });
  return { ...invite, method: 'ACK', headers };
}

export function respond(req: SipRequest, status: number, toTag = 'to-1'): SipResponse {
  return createResponse(req, status, undefined, { toTag });
}

export function statuses(responses: readonly { res: SipResponse }[]): number[] {
  return responses.map((r) => r.res.status);
}

/** A TransactionLayer wired to a transport that records everything it is asked to send. */
export function createHarness(timers?: Partial<TimerSettings>) {
  const sentRequests: { req: SipRequest; dest: Destination }[] = [];
  const sentResponses: { res: SipResponse; source: Source }[] = [];
  const logger = { debug: vi.fn(), warn: vi.fn() };
  const layer = new TransactionLayer({
    sendRequest: (req, dest) => {
      sentRequests.push({ req, dest });
    },
    sendResponse: (res, source) => {
      sentResponses.push({ res, source });
    },
    timers,
    logger,
  });
  return { layer, sentRequests, sentResponses, logger };
}

export function createHandlers() {
  return {
    onResponse: vi.fn<(res: SipResponse) => void>(),
    onTimeout: vi.fn<() => void>(),
    onTransportError: vi.fn<(error: unknown) => void>(),
  } satisfies ClientTransactionHandlers;
}
