import type { AuthorizeCallResult, RegisterResult } from '../../../contracts/function-events.js';
import type { Source } from '../../../contracts/transport.js';
import type { SipRequest } from '../../../sip/message.js';
import type { Logger } from '../logger.js';
import type { HopToken } from '../proxy/hop-token.js';
import type { ProxyContext } from '../proxy/proxy-context.js';
import type { AuthenticationGuard } from '../security/auth-guard.js';
import type { NonceCounts } from '../security/nonce-counts.js';
import type { InviteChallenges } from './invite-challenges.js';
import type { RegistrarChallenges } from './registrar-challenges.js';
import type { ServerTransaction } from '../transaction/index.js';

/** What the request route needs of the edge; one per edge. */
export interface RouteContext {
  proxy: ProxyContext;
  logger: Logger;
  /** Flows that carry at least one registration: their close must be reported. */
  registeredFlows: Set<string>;
  /** Per-address authentication limits (edge/src/security); absent = none (tests that fake an edge). */
  authGuard?: AuthenticationGuard;
  /** Nonce counts seen by this edge (replays); absent = not tracked (tests that fake an edge). */
  nonces?: { counts: NonceCounts; ttlMs: number };
  /** First REGISTER challenges issued by this edge (registrar-challenges.ts); absent = every REGISTER goes to the registrar. */
  challenges?: RegistrarChallenges;
  /** First INVITE challenges issued by this edge (invite-challenges.ts); absent = every INVITE goes to authorize-call. */
  inviteChallenges?: InviteChallenges;
}

/** What the functions decided about the request (the `invoke` step, or the edge's own challenge), for `relay`. */
export type Decision = { fn: 'register'; result: RegisterResult } | { fn: 'authorize-call'; result: AuthorizeCallResult };

/** One request on its way through the route. */
export interface RouteState {
  tx: ServerTransaction;
  req: SipRequest;
  source: Source;
  /** This edge's own Route values, removed from the top (RFC 3261 §16.4), topmost first. */
  tokens: HopToken[];
  decision?: Decision;
}

/** A step either lets the request go on to the next one, or is the end of its route (it answered, forwarded or dropped it). */
export type StepResult = 'next' | 'done';

export type RouteStep = (ctx: RouteContext, state: RouteState) => StepResult | Promise<StepResult>;
