import type { RouteStep } from '../route-state.js';
import { ALLOWED_METHODS } from '../pbx-capabilities.js';
import { respond } from './respond.js';

/** RFC 3261 §9.2: 200 to the CANCEL, then the INVITE's branches are cancelled (§16.10); 481 when it matches nothing. */
export const cancel: RouteStep = (ctx, { tx, req }) => {
  if (req.method !== 'CANCEL') return 'next';
  const invite = ctx.proxy.transactions.findInviteServerTransaction(req);
  if (!invite) return respond(tx, req, 481, 'Call/Transaction Does Not Exist');
  respond(tx, req, 200, 'OK');
  const call = ctx.proxy.calls.forTransaction(invite.id);
  if (call) call.cancelFromCaller();
  // Still being authorized (§9.2: no final response yet): the call is refused with 487 once decided.
  else if (invite.state === 'proceeding') ctx.proxy.calls.cancelBeforeFork(invite.id, (forget) => invite.on('terminated', forget));
  return 'done';
};

/**
 * OPTIONS is answered by the PBX itself (RFC 3261 §11.2): phones and carriers
 * use it as a keep-alive and capability probe. It reveals nothing about users.
 */
export const options: RouteStep = (_ctx, { tx, req }) =>
  req.method !== 'OPTIONS'
    ? 'next'
    : respond(tx, req, 200, 'OK', [
        { name: 'Allow', value: ALLOWED_METHODS.join(', ') },
        { name: 'Accept', value: 'application/sdp' },
      ]);

/** An ACK outside any dialog and transaction of ours (§17.2.3 matched none) has nowhere to go. */
export const strayAck: RouteStep = (_ctx, { req }) => (req.method === 'ACK' ? 'done' : 'next');

/**
 * A REGISTER the registrar would only challenge (no credentials for the
 * domain's realm, or a nonce we never issued to this source): the same 401,
 * issued here with no function call and no store read
 * (core/registrar-challenges.ts). Decided after the replay guard, so a
 * replayed answer gets its fresh challenge here too; answered by `relay`
 * like the registrar's own.
 */
export const registerChallenge: RouteStep = (ctx, state) => {
  if (state.req.method !== 'REGISTER' || !ctx.challenges) return 'next';
  const result = ctx.challenges.answer(state.req, state.source);
  if (result) state.decision = { fn: 'register', result };
  return 'next';
};

/**
 * An INVITE authorize-call would only challenge, as it told this edge for
 * this source, number and domain (no Proxy-Authorization, well-formed): the
 * same 407, issued here with no function call and no store read
 * (core/invite-challenges.ts). After the replay guard, like registerChallenge;
 * answered by `relay` like authorize-call's own.
 */
export const inviteChallenge: RouteStep = (ctx, state) => {
  if (state.req.method !== 'INVITE' || !ctx.inviteChallenges || state.decision) return 'next';
  const result = ctx.inviteChallenges.answer(state.req, state.source);
  if (result) state.decision = { fn: 'authorize-call', result };
  return 'next';
};
