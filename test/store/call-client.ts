/** Drives authorize-call the way a phone does: INVITE → 407 → INVITE with Proxy-Authorization. */
import type { Context } from 'aws-lambda';
import { expect } from 'vitest';
import type { AuthorizeCallResult, EdgeIdentity } from '../../contracts/function-events.js';
import type { createAuthorizeCallHandler } from '../../functions/src/calls/authorize-call-handler.js';
import type { Source } from '../../contracts/transport.js';
import { authorizeCallEvent, callText, EDGE, sipRequest, UDP_SOURCE } from '../unit/functions/fixtures.js';
import { answerChallenge } from './digest-client.js';

const CONTEXT = {} as Context;

export interface CallOptions {
  from: string;
  to: string;
  domain: string;
  password: string;
  callId: string;
  /** The caller's From tag (callText's default when absent). */
  fromTag?: string;
  /** The edge's name for the call (contracts/call-ref.ts); absent = an edge that names none. */
  callRef?: string;
  method?: string;
  requestHost?: string;
  edge?: EdgeIdentity;
  source?: Source;
}

type Handler = ReturnType<typeof createAuthorizeCallHandler>;

export function sendCall(handler: Handler, o: CallOptions & { cseq?: number; proxyAuthorization?: string }): Promise<AuthorizeCallResult> {
  const text = callText({
    from: o.from,
    to: o.to,
    domain: o.domain,
    callId: o.callId,
    ...(o.fromTag ? { fromTag: o.fromTag } : {}),
    cseq: o.cseq ?? 1,
    ...(o.method ? { method: o.method } : {}),
    ...(o.requestHost ? { requestHost: o.requestHost } : {}),
    ...(o.proxyAuthorization ? { proxyAuthorization: o.proxyAuthorization } : {}),
  });
  return handler(authorizeCallEvent(sipRequest(text), o.source ?? UDP_SOURCE, o.edge ?? EDGE, o.callRef), CONTEXT);
}

/** The credentials a phone sends after the first 407 of this call. */
export async function callCredentials(handler: Handler, o: CallOptions): Promise<string> {
  const first = await sendCall(handler, o);
  expect(first.decision).toBe('reply');
  if (first.decision !== 'reply') throw new Error('expected a 407');
  expect(first.reply.status).toBe(407);
  return answerChallenge(first.reply, {
    username: o.from,
    password: o.password,
    uri: `sip:${o.to}@${o.requestHost ?? o.domain}`,
    method: o.method ?? 'INVITE',
  });
}

/** INVITE → 407 → INVITE with credentials (CSeq + 1, RFC 3261 §22.2); returns the second answer. */
export async function authorizedCall(handler: Handler, o: CallOptions): Promise<AuthorizeCallResult> {
  const proxyAuthorization = await callCredentials(handler, o);
  return sendCall(handler, { ...o, cseq: 2, proxyAuthorization });
}

export const statusOf = (r: AuthorizeCallResult): number => (r.decision === 'reply' ? r.reply.status : 0);
