/**
 * The registrar (RFC 3261 §10.3), reading like the call flow:
 *
 *   readRegisterRequest → resolveTenant → authenticate → (AOR check) →
 *   loadBindings → applyBindingRules → saveBindings (retry on version
 *   conflict) → reply
 *
 * The decisions live in pure modules (authenticate.ts, binding-rules.ts);
 * this file only wires them to the stores.
 */
import { formatNameAddr, type ContactList, type SipHeader } from '../../../sip/index.js';
import { readRegisterRequest, type RegisterRequest } from '../../../contracts/register-request.js';
import type { DomainDigest } from '../../../contracts/digest-challenge.js';
import { nonceIssuer, type AuthInfo, type AuthOutcome, type RegisterEvent, type RegisterResult, type SipReply } from '../../../contracts/function-events.js';
import { exemptFromBans, recordAuthOutcome, type FailToBanDeps } from '../fail-to-ban/record-auth-failure.js';
import type { Tenant } from '../directory/tenant.js';
import type { RegistrarSettings } from '../../../contracts/settings/registrar-settings.js';
import type { BindingStore } from './binding-repository.js';
import type { DirectoryReader } from '../directory/directory-repository.js';
import type { AorRef } from '../store/keys.js';
import { BindingConflictError, updateBindings } from './optimistic-update.js';
import { authenticate, challengeRealm, findCredentials } from '../auth/authenticate.js';
import type { Binding } from './binding.js';
import { applyBindingRules, type BindingRulesResult } from './binding-rules.js';
import { checkContact, type ContactPolicy } from './contact-policy.js';

export interface RegisterDeps {
  directory: DirectoryReader;
  bindings: BindingStore;
  settings: RegistrarSettings;
  /** Epoch ms. */
  now: () => number;
  /** Fail-to-ban: failed authentications are counted per source address (absent = not counted). */
  failToBan?: FailToBanDeps;
}

/** Flow index items outlive every binding they point at (bindings never exceed maxExpires). */
const FLOW_INDEX_GRACE_MS = 60_000;
/**
 * How long one write of the flow index lasts: long enough that a device
 * refreshing over one connection writes it about once a day, not on every
 * refresh (issue 14: a refresh is one write). Index items are tiny and
 * flow-closed deletes them when the connection ends.
 */
const FLOW_INDEX_LIFETIME_MS = 86_400_000;

function reply(status: number, reason: string, headers: SipHeader[] = []): SipReply {
  return { status, reason, headers };
}

/** 200 OK: every current binding with its remaining time (RFC 3261 §10.3 step 8) and the registrar's Date. */
function okReply(bindings: Binding[], now: number): SipReply {
  const contacts = bindings.map((b) => ({
    name: 'Contact',
    value: formatNameAddr({
      uri: b.contact,
      params: { expires: String(Math.max(1, Math.round((b.expiresAt - now) / 1000))), ...b.params },
    }),
  }));
  // Date lets UAs without a clock (cheap phones) learn the time, RFC 3261 §10.3 step 8 / §20.17.
  return reply(200, 'OK', [...contacts, { name: 'Date', value: new Date(now).toUTCString() }]);
}

function authInfo(outcome: AuthOutcome, tenant: Tenant | undefined, username: string | undefined): AuthInfo {
  return { outcome, ...(tenant ? { tenantId: tenant.id } : {}), ...(username !== undefined ? { username } : {}) };
}

export async function register(event: RegisterEvent, deps: RegisterDeps): Promise<RegisterResult> {
  const req = readRegisterRequest(event.request);
  if ('status' in req) return { reply: req };

  // resolveTenant: the registrar domain picks the tenant and its realm.
  const tenant = await deps.directory.findTenantByDomain(req.domain);
  // How this domain challenges: the edge answers the next first REGISTERs for it itself (contracts/digest-challenge.ts).
  const digest: DomainDigest = { realm: challengeRealm(req.domain, tenant), algorithms: [...deps.settings.digestAlgorithms] };
  return { ...(await registerIn(event, deps, req, tenant)), digest };
}

/** The rest of the flow, once the registrar domain is known to pick `tenant` (or none). */
async function registerIn(event: RegisterEvent, deps: RegisterDeps, req: RegisterRequest, tenant: Tenant | undefined): Promise<RegisterResult> {
  const { request, edge, source } = event;
  const now = deps.now();
  const { settings } = deps;

  // authenticate: the user is only read when there are credentials to check.
  const credentials = findCredentials(request, challengeRealm(req.domain, tenant));
  const user =
    credentials && tenant && req.aorUser !== undefined ? await deps.directory.getUser(tenant.id, req.aorUser) : undefined;
  const auth = authenticate({
    request,
    domain: req.domain,
    tenant,
    aorUser: req.aorUser,
    user,
    settings,
    now,
    transport: source.protocol,
    binding: { source: source.address, issuer: nonceIssuer(edge) },
  });
  // failToBan: credentials that answered a nonce issued to this source and did not verify count against it
  // (never a first challenge, a stale nonce, a nonce we did not issue to this address, or a carrier's address).
  const counted = deps.failToBan ? await recordAuthOutcome(deps.failToBan, { address: source.address, ...authInfo(auth.outcome, tenant, auth.username) }) : undefined;
  if (auth.outcome === 'challenge' || auth.outcome === 'stale') {
    return {
      reply: reply(401, 'Unauthorized', auth.wwwAuthenticate.map((value) => ({ name: 'WWW-Authenticate', value }))),
      auth: authInfo(auth.outcome, tenant, auth.username),
    };
  }
  if (auth.outcome === 'failed') {
    // Same reply whatever failed (unknown user or wrong password): no enumeration.
    return { reply: reply(403, 'Forbidden'), auth: { ...authInfo('failed', tenant, auth.username), ...exemptFromBans(counted) } };
  }
  const authenticated = authInfo('ok', auth.tenant, auth.username);

  // RFC 3261 §10.3 step 3: the AOR must belong to the registrar's domain.
  if (!auth.tenant.domains.includes(req.aorDomain)) return { reply: reply(404, 'Not Found'), auth: authenticated };

  // Where this registration may make the edge send requests (contact-policy.ts): never a third party.
  const refused = refusedContact(req.contact, req.expiresHeader, source, { denyPrivate: settings.privateContacts === 'deny' });
  if (refused) return { reply: reply(403, refused), auth: authenticated };

  const aor: AorRef = { tenantId: auth.tenant.id, ext: auth.user.ext };
  const flowId = source.flowId;
  let result: BindingRulesResult;
  try {
    result = await updateBindings(deps.bindings, aor, now, async (existing) => {
      const rules = applyBindingRules({
        existing,
        contact: req.contact,
        expiresHeader: req.expiresHeader,
        callId: req.callId,
        cseq: req.cseq,
        now,
        policy: { multiDevice: auth.user.multiDevice, maxDevices: auth.user.maxDevices },
        limits: settings,
        origin: { edge, source, ...(req.userAgent !== undefined ? { userAgent: req.userAgent } : {}) },
      });
      if (!rules.ok || !rules.changed) return { result: rules };
      // Index the flow before the binding is saved, so flow-closed can always find it.
      const onFlow = flowId === undefined ? undefined : rules.bindings.find((b) => b.flowId === flowId && b.edgeId === edge.id);
      if (onFlow) await indexFlow(deps.bindings, existing, onFlow, aor, now, settings.maxExpires);
      return { save: rules.bindings, result: rules };
    });
  } catch (err) {
    // RFC 3261 §10.3: bindings that cannot be committed fail the request with 500.
    if (err instanceof BindingConflictError) {
      return { reply: reply(500, 'Server Internal Error', [{ name: 'Retry-After', value: '1' }]), auth: authenticated };
    }
    throw err;
  }

  // The user's online interval moved with the bindings, in the same write (reports/online-span.ts).
  if (!result.ok) return { reply: reply(result.status, result.reason, result.headers), auth: authenticated };
  return { reply: okReply(result.bindings, now), auth: authenticated };
}

/**
 * The flow index entry flow-closed needs for `binding` (RFC 5626 §5.2): written
 * unless a binding of the same device on the same flow already recorded one
 * that outlives this binding; the binding remembers until when it lasts.
 */
async function indexFlow(store: BindingStore, existing: Binding[], binding: Binding, aor: AorRef, now: number, maxExpires: number): Promise<void> {
  const prior = existing.find((b) => b.key === binding.key && b.flowId === binding.flowId && b.edgeId === binding.edgeId)?.flowIndexUntil;
  if (prior !== undefined && prior >= binding.expiresAt + FLOW_INDEX_GRACE_MS) {
    binding.flowIndexUntil = prior;
    return;
  }
  const until = now + Math.max(FLOW_INDEX_LIFETIME_MS, 2 * maxExpires * 1000) + FLOW_INDEX_GRACE_MS;
  await store.addFlowAor(binding.edgeId, binding.flowId!, aor, until);
  binding.flowIndexUntil = until;
}

/** The reason phrase of the first Contact this REGISTER adds that the policy refuses; removals are always fine. */
function refusedContact(list: ContactList, expiresHeader: string | undefined, source: RegisterEvent['source'], policy: ContactPolicy): string | undefined {
  if (list.star) return undefined;
  for (const contact of list.contacts) {
    const expires = contact.params.expires ?? expiresHeader;
    if (typeof expires === 'string' && /^\s*0+\s*$/.test(expires)) continue;
    const verdict = checkContact(contact, source, policy);
    if (!verdict.ok) return verdict.reason;
  }
  return undefined;
}
