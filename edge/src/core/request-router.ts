import { createResponse, getHeader, hasToTag, newTag } from '../../../sip/index.js';
import type { SipHeader, SipRequest } from '../../../sip/message.js';
import type { Logger } from '../logger.js';
import { branchTargetFor, branchTargetForHop } from '../proxy/branch-target.js';
import { forwardStatefully, nextHop } from '../proxy/in-dialog-forwarder.js';
import { reportRefusedCall } from '../proxy/call-events.js';
import { InviteProxy } from '../proxy/invite-proxy.js';
import { forkNonInvite } from '../proxy/non-invite-fork.js';
import type { ProxyContext } from '../proxy/proxy-context.js';
import { popOwnRoutes } from '../proxy/route-set.js';
import { hopsExhausted } from '../proxy/forward-request.js';
import type { InviteServerTransaction, ServerTransaction } from '../transaction/index.js';
import type { Source } from '../../../contracts/transport.js';
import { ALLOWED_METHODS, SERVER_HEADER } from './pbx-capabilities.js';

export interface RouterContext {
  proxy: ProxyContext;
  logger: Logger;
  /** Flows that carry at least one registration: their close must be reported. */
  registeredFlows: Set<string>;
}

type MethodHandler = (ctx: RouterContext, tx: ServerTransaction, req: SipRequest, source: Source) => Promise<void>;

/**
 * The request path of the edge, one small handler per method (drachtio style).
 * Everything that needs data is a function call; the edge only speaks SIP.
 *
 *   in a dialog (To tag) ............ loose-route to the other side (§16.4, §16.12)
 *   routed here by another edge ..... deliver to the device's flow
 *   REGISTER ........................ register function (§10.3)
 *   OPTIONS ......................... answered by the PBX (§11.2)
 *   CANCEL .......................... cancels the INVITE it matches (§9.2, §16.10)
 *   INVITE .......................... authorize-call, then fork (§16.6), or out through trunks one by one
 *   anything else ................... authorize-call, then fork (MESSAGE, SUBSCRIBE, REFER …)
 */
const handlers: Record<string, MethodHandler> = {
  REGISTER: registerDevice,
  OPTIONS: answerOptions,
  CANCEL: cancelInvite,
  INVITE: proxyInvite,
};

export async function routeRequest(ctx: RouterContext, tx: ServerTransaction, req: SipRequest, source: Source): Promise<void> {
  try {
    const tokens = popOwnRoutes(req, ctx.proxy.identity.id, ctx.proxy.secret);
    if (req.method !== 'CANCEL' && (hasToTag(req) || tokens.length > 0) && hopsExhausted(req)) {
      respond(tx, req, 483, 'Too Many Hops');
      return;
    }
    if (hasToTag(req) && req.method !== 'CANCEL') {
      await forwardInDialog(ctx, tx, req, source, tokens);
      return;
    }
    const forwarded = tokens.find((t) => t.k === 'fwd');
    if (forwarded && forwarded.k === 'fwd') {
      relayForOtherEdge(ctx, tx, req, source, forwarded.d);
      return;
    }
    const handler = handlers[req.method] ?? proxyOtherRequest;
    await handler(ctx, tx, req, source);
  } catch (err) {
    ctx.logger.error({ err, method: req.method, callId: getHeader(req, 'Call-ID') }, 'request handling failed');
    respond(tx, req, 500, 'Server Internal Error');
  }
}

/** REGISTER → the `register` function decides (RFC 3261 §10.3); the edge relays its answer. */
async function registerDevice(ctx: RouterContext, tx: ServerTransaction, req: SipRequest, source: Source): Promise<void> {
  const { reply } = await ctx.proxy.invoker.invoke('register', { type: 'register', edge: ctx.proxy.identity, source, request: req });
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

/** RFC 3261 §9.2: 200 to the CANCEL, then the INVITE's branches are cancelled (§16.10); 481 when it matches nothing. */
async function cancelInvite(ctx: RouterContext, tx: ServerTransaction, req: SipRequest): Promise<void> {
  const invite = ctx.proxy.transactions.findInviteServerTransaction(req);
  if (!invite) {
    respond(tx, req, 481, 'Call/Transaction Does Not Exist');
    return;
  }
  respond(tx, req, 200, 'OK');
  ctx.proxy.calls.forTransaction(invite.id)?.cancelFromCaller();
}

/** A new call: authorize-call decides (auth, dial plan, limits) and names the callee's devices. */
async function proxyInvite(ctx: RouterContext, tx: ServerTransaction, req: SipRequest, source: Source): Promise<void> {
  if (hopsExhausted(req)) return respond(tx, req, 483, 'Too Many Hops');
  const result = await ctx.proxy.invoker.invoke('authorize-call', { type: 'authorize-call', edge: ctx.proxy.identity, source, request: req });
  if (result.decision === 'reply') {
    if (result.rejectedCall) reportRefusedCall(ctx.proxy, result.rejectedCall, result.reply.status);
    return respond(tx, req, result.reply.status, result.reply.reason, result.reply.headers);
  }
  const proxy = new InviteProxy(ctx.proxy, tx as InviteServerTransaction, req, source, result.call);
  if (result.trunkLegs && result.trunkLegs.length > 0) return proxy.startTrunkLegs(result.trunkLegs);
  proxy.start(result.targets.map((t) => branchTargetFor(ctx.proxy, t)).filter((t) => t !== undefined));
}

/** MESSAGE, SUBSCRIBE, REFER … outside a dialog: same authorization and dial plan, forked to every device. */
async function proxyOtherRequest(ctx: RouterContext, tx: ServerTransaction, req: SipRequest, source: Source): Promise<void> {
  if (req.method === 'ACK') return;
  if (hopsExhausted(req)) return respond(tx, req, 483, 'Too Many Hops');
  const result = await ctx.proxy.invoker.invoke('authorize-call', { type: 'authorize-call', edge: ctx.proxy.identity, source, request: req });
  if (result.decision === 'reply') return respond(tx, req, result.reply.status, result.reply.reason, result.reply.headers);
  const targets = result.targets.map((t) => branchTargetFor(ctx.proxy, t)).filter((t) => t !== undefined);
  forkNonInvite(ctx.proxy, tx, req, source, targets);
}

/** Another edge sent this request for a device whose flow this edge holds (its `fwd` token proves it). */
function relayForOtherEdge(ctx: RouterContext, tx: ServerTransaction, req: SipRequest, source: Source, hop: Parameters<typeof branchTargetForHop>[2]): void {
  const target = branchTargetForHop(ctx.proxy, req.uri, hop);
  if (req.method === 'INVITE') {
    new InviteProxy(ctx.proxy, tx as InviteServerTransaction, req, source).start(target ? [target] : []);
  } else {
    forkNonInvite(ctx.proxy, tx, req, source, target ? [target] : []);
  }
}

/** In-dialog requests follow the hop token of this edge's Record-Route (§16.12); a BYE ends the call's accounting. */
async function forwardInDialog(ctx: RouterContext, tx: ServerTransaction, req: SipRequest, source: Source, tokens: ReturnType<typeof popOwnRoutes>): Promise<void> {
  const hop = nextHop(req, tokens);
  if (!hop) return respond(tx, req, 481, 'Call/Transaction Does Not Exist');
  if (req.method === 'BYE') ctx.proxy.calls.forCallId(getHeader(req, 'Call-ID') ?? '')?.byeSeen(req);
  forwardStatefully(ctx.proxy, tx, req, hop, source);
}

function respond(tx: ServerTransaction, req: SipRequest, status: number, reason: string, headers: SipHeader[] = []): void {
  const res = createResponse(req, status, reason, {
    toTag: hasToTag(req) ? undefined : newTag(),
    headers: [...headers, { name: 'Server', value: SERVER_HEADER }],
  });
  tx.respond(res);
}
