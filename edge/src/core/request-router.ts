import { createResponse, getHeader, newTag } from '../../../sip/index.js';
import type { SipHeader, SipRequest } from '../../../sip/message.js';
import type { EdgeIdentity } from '../../../functions/src/contracts.js';
import type { Invoker } from '../invoker/invoker.js';
import type { Logger } from '../logger.js';
import type { ServerTransaction, TransactionLayer } from '../transaction/index.js';
import type { Source } from '../transport/types.js';
import { ALLOWED_METHODS, SERVER_HEADER } from './pbx-capabilities.js';

export interface RouterContext {
  identity: EdgeIdentity;
  invoker: Invoker;
  transactions: TransactionLayer;
  logger: Logger;
  /** Flows that carry at least one registration: their close must be reported. */
  registeredFlows: Set<string>;
}

type MethodHandler = (ctx: RouterContext, tx: ServerTransaction, req: SipRequest, source: Source) => Promise<void>;

/**
 * The request path of the edge, one small handler per method (drachtio style).
 * Everything that needs data is a function call; the edge only speaks SIP.
 */
const handlers: Record<string, MethodHandler> = {
  REGISTER: registerDevice,
  OPTIONS: answerOptions,
  CANCEL: answerCancel,
};

export async function routeRequest(ctx: RouterContext, tx: ServerTransaction, req: SipRequest, source: Source): Promise<void> {
  const handler = handlers[req.method] ?? refuseMethod;
  try {
    await handler(ctx, tx, req, source);
  } catch (err) {
    ctx.logger.error({ err, method: req.method, callId: getHeader(req, 'Call-ID') }, 'request handling failed');
    respond(tx, req, 500, 'Server Internal Error');
  }
}

/** REGISTER → the `register` function decides (RFC 3261 §10.3); the edge relays its answer. */
async function registerDevice(ctx: RouterContext, tx: ServerTransaction, req: SipRequest, source: Source): Promise<void> {
  const { reply } = await ctx.invoker.invoke('register', { type: 'register', edge: ctx.identity, source, request: req });
  respond(tx, req, reply.status, reply.reason, reply.headers);
  if (reply.status === 200 && source.flowId) ctx.registeredFlows.add(source.flowId);
}

/**
 * OPTIONS is answered by the PBX itself (RFC 3261 §11.2): phones and carriers
 * use it as a keep-alive and capability probe. It reveals nothing about users.
 */
async function answerOptions(_ctx: RouterContext, tx: ServerTransaction, req: SipRequest): Promise<void> {
  respond(tx, req, 200, 'OK', [
    { name: 'Allow', value: ALLOWED_METHODS.join(', ') },
    { name: 'Accept', value: 'application/sdp' },
  ]);
}

/** RFC 3261 §9.2: a CANCEL that matches no INVITE transaction gets 481. */
async function answerCancel(ctx: RouterContext, tx: ServerTransaction, req: SipRequest): Promise<void> {
  const invite = ctx.transactions.findInviteServerTransaction(req);
  if (invite) respond(tx, req, 200, 'OK');
  else respond(tx, req, 481, 'Call/Transaction Does Not Exist');
}

/** Methods the PBX does not handle yet: 405 with the Allow list (RFC 3261 §8.2.1). */
async function refuseMethod(_ctx: RouterContext, tx: ServerTransaction, req: SipRequest): Promise<void> {
  respond(tx, req, 405, 'Method Not Allowed', [{ name: 'Allow', value: ALLOWED_METHODS.join(', ') }]);
}

function respond(tx: ServerTransaction, req: SipRequest, status: number, reason: string, headers: SipHeader[] = []): void {
  const res = createResponse(req, status, reason, {
    toTag: newTag(),
    headers: [...headers, { name: 'Server', value: SERVER_HEADER }],
  });
  tx.respond(res);
}
