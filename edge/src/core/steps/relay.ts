import { getHeader } from '../../../../sip/index.js';
import { branchTargetFor } from '../../proxy/branch-target.js';
import { CallAccounting } from '../../proxy/call-accounting.js';
import { reportRefusedCall } from '../../proxy/call-events.js';
import { InviteForkingProxy } from '../../proxy/forking-proxy.js';
import { forkNonInvite } from '../../proxy/non-invite-fork.js';
import { TrunkLegSequence } from '../../proxy/trunk-legs.js';
import type { InviteServerTransaction } from '../../transaction/index.js';
import type { RouteStep } from '../route-state.js';
import { respond } from './respond.js';

/**
 * Carries out what the function decided: the registrar's answer, a reply
 * (407, 403, 404, 480, 486 …; a refused call still gets its CDR), or the
 * call forked to every device of the callee (§16.6), out through the trunks
 * one by one, or a MESSAGE/SUBSCRIBE/REFER forked like it.
 */
export const relay: RouteStep = (ctx, { tx, req, source, decision }) => {
  if (!decision) return 'done';
  // The realms we challenge with: credentials for them are ours and never forwarded (proxy/own-credentials.ts).
  const reply = decision.fn === 'register' ? decision.result.reply : decision.result.decision === 'reply' ? decision.result.reply : undefined;
  if (reply && (reply.status === 401 || reply.status === 407)) ctx.proxy.credentials.learnFrom(reply.headers);
  if (decision.fn === 'register') {
    const { reply } = decision.result;
    respond(tx, req, reply.status, reply.reason, reply.headers);
    if (reply.status === 200 && source.flowId) ctx.registeredFlows.add(source.flowId);
    return 'done';
  }
  const result = decision.result;
  if (result.decision === 'reply') {
    if (req.method === 'INVITE' && result.rejectedCall) reportRefusedCall(ctx.proxy, result.rejectedCall, result.reply.status);
    return respond(tx, req, result.reply.status, result.reply.reason, result.reply.headers);
  }
  const callId = getHeader(req, 'Call-ID') ?? '';
  const targets = result.targets.map((t) => branchTargetFor(ctx.proxy, t, callId)).filter((t) => t !== undefined);
  if (req.method !== 'INVITE') {
    forkNonInvite(ctx.proxy, tx, req, source, targets);
    return 'done';
  }
  const accounting = new CallAccounting(ctx.proxy, result.call);
  const proxy = new InviteForkingProxy(ctx.proxy, tx as InviteServerTransaction, req, source, accounting);
  // The caller's CANCEL came while authorize-call ran (§9.2): 487, the CDR says cancelled, the slots go back.
  if (ctx.proxy.calls.takeEarlyCancel(tx.id)) {
    proxy.finishWith(487, 'Request Terminated', 'cancelled');
    return 'done';
  }
  if (result.trunkLegs && result.trunkLegs.length > 0) new TrunkLegSequence(ctx.proxy, proxy, result.trunkLegs, accounting).start();
  else proxy.start(targets);
  return 'done';
};
