/**
 * Authorization and routing of an out-of-dialog request from a user (INVITE,
 * MESSAGE, …), reading like the call flow (drachtio/jambonz style):
 *
 *   readCallRequest → from a trunk? (inbound-trunk-call.ts) →
 *   resolveTenant (From host) → authenticate (407) →
 *   failToBan (count failures) → dialPlan (extension, else trunk routes:
 *   outbound-trunk-call.ts; else 404) → targets (480) →
 *   callLimits (INVITE only: 403 / 486) → route
 *
 * The order is the anti-enumeration policy: nothing about the dialled number
 * (exists? online? busy?) is revealed before the caller has authenticated,
 * and an unknown caller looks exactly like a wrong password (407, then 403).
 * Decisions live in pure modules (register/authenticate.ts, dial-plan/,
 * call-targets.ts, calls/call-slot-rules.ts); this file wires them to the
 * stores.
 */
import { nonceIssuer, type AuthOutcome, type AuthorizeCallEvent, type AuthorizeCallResult, type CallParty, type CallSlot, type SipReply } from '../../../contracts/function-events.js';
import { exemptFromBans, recordAuthOutcome } from '../fail-to-ban/record-auth-failure.js';
import { takeCallLimits } from './call-limits.js';
import type { Tenant } from '../directory/tenant.js';
import type { UserAccount } from '../directory/user-account.js';
import { candidateExtensions, DEFAULT_DIAL_PLAN, resolveDialPlan, resolveTrunkRoutes } from './dial-plan.js';
import { authenticateDigest, challengeRealm, challengeReply, findCredentials } from '../auth/authenticate.js';
import { findInboundTrunk, mayComeFromTrunk } from '../trunks/inbound-trunk.js';
import { callNames, readCallRequest } from './call-request.js';
import { authorizeInboundTrunkCall } from '../trunks/inbound-trunk-call.js';
import { liveTargets } from './live-targets.js';
import { authorizeOutboundTrunkCall } from '../trunks/outbound-trunk-call.js';
import { loadSlotHolderCheck } from './slot-holders.js';
import type { AuthorizeCallDeps } from './authorize-call-deps.js';

export type { AuthorizeCallDeps };

type AuthInfo = NonNullable<AuthorizeCallResult['auth']>;

const reply = (status: number, reason: string): SipReply => ({ status, reason, headers: [] });

function authInfo(outcome: AuthOutcome, tenant: Tenant | undefined, username: string | undefined): AuthInfo {
  return { outcome, ...(tenant ? { tenantId: tenant.id } : {}), ...(username !== undefined ? { username } : {}) };
}

/** Calls take slots; MESSAGE and other requests are authorized and routed only (issue 2: limits only for INVITE). */
const takesCallSlots = (method: string): boolean => method === 'INVITE';

export async function authorizeCall(event: AuthorizeCallEvent, deps: AuthorizeCallDeps): Promise<AuthorizeCallResult> {
  const { request, edge, source } = event;
  const now = deps.now();

  const req = readCallRequest(request, event.callRef);
  if ('status' in req) return { decision: 'reply', reply: req };

  // A carrier on one of the trunks: trusted by address or registration, no challenge.
  if (deps.trunks) {
    const inbound = await findInboundTrunk(deps.trunks, source, { requestUser: req.number, toUser: req.toUser }, deps.resolveHost);
    if (inbound) return authorizeInboundTrunkCall(event, req, inbound, deps, now);
  }

  // resolveTenant: the caller's domain picks the tenant and its realm.
  const tenant = await deps.directory.findTenantByDomain(req.callerDomain);

  // authenticate as a proxy (RFC 3261 §22.3); the account is only read when there are credentials to check.
  const realm = challengeRealm(req.callerDomain, tenant);
  const credentials = findCredentials(request, realm, 'Proxy-Authorization');
  const account =
    credentials && tenant && req.callerUser !== undefined ? await deps.directory.getUser(tenant.id, req.callerUser) : undefined;
  const auth = authenticateDigest({
    challenger: 'proxy',
    request,
    domain: req.callerDomain,
    tenant,
    aorUser: req.callerUser,
    user: account,
    settings: deps.settings,
    now,
    binding: { source: source.address, issuer: nonceIssuer(event.edge) },
    transport: source.protocol,
  });
  // failToBan: the same counting as REGISTER (credentials that answered our nonce for this source and did not verify).
  const counted = deps.failToBan ? await recordAuthOutcome(deps.failToBan, { address: source.address, ...authInfo(auth.outcome, tenant, auth.username) }) : undefined;
  if (auth.outcome === 'challenge' || auth.outcome === 'stale') {
    // A first challenge says how this domain challenges: the edge issues the next one itself (edge/src/core/invite-challenges.ts).
    const digest =
      auth.outcome === 'challenge'
        ? {
            digest: { realm, algorithms: [...deps.settings.digestAlgorithms] },
            // The trunk lookups are the warm function's cache (trunks/cached-trunks.ts): no store read for a phone's source.
            ...(deps.trunks && (await mayComeFromTrunk(deps.trunks, source, deps.resolveHost)) ? {} : { anyNumber: true as const }),
          }
        : {};
    return { decision: 'reply', reply: challengeReply('proxy', auth.challenges), auth: authInfo(auth.outcome, tenant, auth.username), ...digest };
  }
  if (auth.outcome === 'failed') {
    // Same reply whatever failed (unknown caller or wrong password): no enumeration.
    return { decision: 'reply', reply: reply(403, 'Forbidden'), auth: { ...authInfo('failed', tenant, auth.username), ...exemptFromBans(counted) } };
  }
  const caller = auth.user;
  const authenticated = authInfo('ok', auth.tenant, auth.username);
  const answer = (r: SipReply): AuthorizeCallResult => ({ decision: 'reply', reply: r, auth: authenticated });
  // An authenticated INVITE refused as a call still leaves a CDR (and counts in the reports).
  const refuseCall = (r: SipReply, callee: CallParty, disposition: 'failed' | 'rejected'): AuthorizeCallResult =>
    takesCallSlots(req.method)
      ? {
          ...(answer(r) as Extract<AuthorizeCallResult, { decision: 'reply' }>),
          rejectedCall: {
            call: { tenantId: auth.tenant.id, ...callNames(req), direction: 'internal', caller: party(caller), callee },
            disposition,
          },
        }
      : answer(r);

  // The dial plan only routes within the caller's tenant: a Request-URI naming
  // another tenant's domain is not a number of this PBX for this caller.
  if (req.requestHost !== '' && !auth.tenant.domains.includes(req.requestHost)) {
    const other = await deps.directory.findTenantByDomain(req.requestHost);
    if (other && other.id !== auth.tenant.id) return answer(reply(404, 'Not Found'));
  }

  // dialPlan: facts first (which candidate numbers are users), then the pure plan.
  const plan = deps.dialPlan ?? DEFAULT_DIAL_PLAN;
  const users = new Map<string, UserAccount>();
  for (const number of candidateExtensions(plan, req.number)) {
    const user = await deps.directory.getUser(auth.tenant.id, number);
    if (user) users.set(number, user);
  }
  const route = resolveDialPlan(plan, req.number, { isExtension: (n) => users.has(n) });
  if (route.kind === 'no-route') {
    // Not an extension: out through the trunks whose prefixes match (an exact extension always wins).
    const trunks = deps.trunks ? await deps.trunks.listTrunks(auth.tenant.id) : [];
    const choices = resolveTrunkRoutes(trunks, req.number);
    if (choices.length > 0) {
      return { ...(await authorizeOutboundTrunkCall(event, req, { caller, callerParty: party(caller), choices, trunks }, deps, now)), auth: authenticated };
    }
    return refuseCall(reply(404, 'Not Found'), { ext: req.number }, 'failed');
  }
  const callee = users.get(route.ext)!;

  // targets: the callee's live devices whose path still exists (RFC 3261 §16.5).
  const { targets, liveness: loadLiveness } = await liveTargets(deps, edge, { tenantId: auth.tenant.id, ext: callee.ext }, now);
  // RFC 3261 §21.4.18: a known user that is not reachable right now.
  if (targets.length === 0) return refuseCall(reply(480, 'Temporarily Unavailable'), party(callee), 'failed');

  // callLimits (INVITE only): the caller's outgoing slot, then the callee's incoming one.
  let slots: CallSlot[] = [];
  if (takesCallSlots(req.method)) {
    const limits = await takeCallLimits(deps.slots, {
      callId: req.callId,
      callRef: req.callRef,
      caller,
      callee,
      edge,
      now,
      loadHolderLiveness: () => loadSlotHolderCheck(loadLiveness, deps.carriedCalls),
    });
    if (!limits.ok) return refuseCall(limits.reply, party(callee), 'rejected');
    slots = limits.slots;
  }

  return {
    decision: 'route',
    call: {
      tenantId: auth.tenant.id,
      ...callNames(req),
      direction: 'internal',
      caller: party(caller),
      callee: party(callee),
      slots,
    },
    targets,
    auth: authenticated,
  };
}

function party(user: UserAccount): CallParty {
  return { ext: user.ext, ...(user.displayName !== undefined ? { displayName: user.displayName } : {}) };
}
