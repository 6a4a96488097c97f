import { randomUUID } from 'node:crypto';
import type { AuthorizeCallResult, RegisterResult } from '../../../../contracts/function-events.js';
import type { Decision, RouteContext, RouteState, RouteStep } from '../route-state.js';
import { respond } from './respond.js';

/**
 * The function that judges a new request: the registrar for REGISTER
 * (§10.3), authorize-call for everything else. An INVITE is named with a
 * fresh callRef, the key of its slots and CDR (contracts/call-ref.ts).
 */
function invokeFunction(ctx: RouteContext, { req, source }: RouteState): Promise<RegisterResult | AuthorizeCallResult> {
  const { invoker, identity } = ctx.proxy;
  return req.method === 'REGISTER'
    ? invoker.invoke('register', { type: 'register', edge: identity, source, request: req })
    : invoker.invoke('authorize-call', {
        type: 'authorize-call',
        edge: identity,
        source,
        request: req,
        ...(req.method === 'INVITE' ? { callRef: randomUUID() } : {}),
      });
}

/**
 * Per-address authentication limit, then the function call (the invoker
 * only transports): one address's requests are judged a few at a time, a
 * full queue gets 503, a ban that landed while waiting gets 403 unjudged, and
 * every failed authentication counts for fail-to-ban at once
 * (edge/src/security/auth-guard.ts).
 */
export const authenticateAndInvoke: RouteStep = async (ctx, state) => {
  const { tx, req, source } = state;
  if (state.decision) return 'next'; // the edge's own challenge (steps/local-answers.ts registerChallenge, inviteChallenge)
  const call = () => invokeFunction(ctx, state);
  const judged = ctx.authGuard ? await ctx.authGuard.judge(source.address, call) : { judged: true as const, result: await call() };
  if (!judged.judged) return respond(tx, req, judged.reply.status, judged.reply.reason, judged.reply.headers);
  // What the registrar says of the domain's realm lets the edge issue the next first challenges itself.
  if (req.method === 'REGISTER') ctx.challenges?.learn(req, judged.result as RegisterResult);
  // And authorize-call's first 407 for an INVITE from this source, the next one's.
  if (req.method === 'INVITE') ctx.inviteChallenges?.learn(req, source, judged.result as AuthorizeCallResult);
  state.decision = (req.method === 'REGISTER' ? { fn: 'register', result: judged.result } : { fn: 'authorize-call', result: judged.result }) as Decision;
  return 'next';
};
