/**
 * First REGISTER challenges answered by the edge itself (issue 14: the first
 * challenge costs no function call and no store read). The nonce is
 * stateless — an HMAC of the deployment secret bound to the realm, the
 * source address and this edge instance (sip/digest.ts) — so the edge can
 * issue exactly the 401 the registrar would: the same builder
 * (contracts/digest-challenge.ts), the same realm, the same algorithms in
 * the same order per transport, and only for a REGISTER the registrar would
 * also just challenge (well-formed, contracts/register-request.ts, and with
 * no credentials for the realm or only a nonce we never issued to this
 * source). Anything else, stale nonces included (stale=true needs the HA1),
 * goes to the registrar.
 *
 * The realm depends on the tenant the domain belongs to, so the edge keeps
 * what the registrar told it (RegisterResult.digest) per registrar domain:
 * a domain it has not heard of yet goes to the registrar, which answers and
 * teaches it, a domain nobody serves included (its realm is the domain:
 * answered alike, test/security/enumeration.test.ts). Entries live
 * DOMAIN_REALM_TTL_MS and are dropped sooner by directory.changed for their
 * domains where the edge hears the bus (the local stack). A stale entry can
 * only cost a round trip: credentials for an old realm are not ours, so the
 * registrar challenges again with the right one and the edge re-learns it.
 * The edge never decides that a password is right.
 */
import type { SipRequest } from '../../../sip/message.js';
import { parseDirectoryChanged } from '../../../contracts/bus/directory-events.js';
import { challengeReply, credentialVerdict, digestChallenges } from '../../../contracts/digest-challenge.js';
import { ExpiringCache } from '../../../contracts/expiring-cache.js';
import { nonceIssuer, type DomainDigest, type EdgeIdentity, type RegisterResult } from '../../../contracts/function-events.js';
import { normalizeDomain, readRegisterRequest } from '../../../contracts/register-request.js';
import type { Source } from '../../../contracts/transport.js';

/** How long the edge trusts what the registrar said about a domain's realm where no event reaches it (docs/architecture.md). */
export const DOMAIN_REALM_TTL_MS = 60_000;
/** Far more than tenants' domains; probes of made-up domains cannot grow it further. */
const MAX_DOMAINS = 10_000;

export interface RegistrarChallengesOptions {
  /** The deployment's secret (the functions sign nonces with the same). */
  secret: string;
  identity: EdgeIdentity;
  /** PBX_NONCE_TTL_SECONDS in ms (an older nonce of ours is stale: the registrar's to judge). */
  nonceTtlMs: number;
  ttlMs?: number;
  maxDomains?: number;
  now?: () => number;
  /** Told of every challenge the edge issues itself (the metrics count them like the registrar's: edge/src/ops). */
  observe?: (result: RegisterResult) => void;
}

export class RegistrarChallenges {
  private readonly domains: ExpiringCache<string, DomainDigest>;
  private readonly now: () => number;

  constructor(private readonly options: RegistrarChallengesOptions) {
    this.now = options.now ?? Date.now;
    this.domains = new ExpiringCache(options.ttlMs ?? DOMAIN_REALM_TTL_MS, options.maxDomains ?? MAX_DOMAINS, this.now);
  }

  /** The registrar's 401 for this REGISTER when that is all it would answer; undefined: ask the registrar. */
  answer(request: SipRequest, source: Source): RegisterResult | undefined {
    const req = readRegisterRequest(request);
    if ('status' in req) return undefined;
    const digest = this.domains.lookup(req.domain)?.value;
    if (!digest) return undefined;
    const { secret } = this.options;
    const now = this.now();
    const binding = { source: source.address, issuer: nonceIssuer(this.options.identity) };
    const verdict = credentialVerdict({ request, realm: digest.realm, header: 'Authorization', secret, now, nonceTtlMs: this.options.nonceTtlMs, binding });
    if (verdict.verdict !== 'challenge') return undefined;
    const challenges = digestChallenges({ secret, realm: digest.realm, algorithms: digest.algorithms, now, binding, transport: source.protocol, stale: false });
    const result: RegisterResult = {
      reply: challengeReply('registrar', challenges),
      auth: { outcome: 'challenge', ...(verdict.username !== undefined ? { username: verdict.username } : {}) },
      digest,
    };
    this.options.observe?.(result);
    return result;
  }

  /** Keeps what the registrar said about the domain of `request`. */
  learn(request: SipRequest, result: RegisterResult): void {
    if (!result.digest) return;
    const req = readRegisterRequest(request);
    if ('status' in req) return;
    this.domains.set(req.domain, { realm: result.digest.realm, algorithms: [...result.digest.algorithms] });
  }

  /** A directory.changed detail: a tenant change drops the domains it names (all of them when it names none). */
  changed(detail: unknown): void {
    let domains: string[] | undefined;
    try {
      const change = parseDirectoryChanged(detail);
      if (change.kind !== 'tenant') return;
      domains = change.domains?.map(normalizeDomain);
    } catch {
      domains = undefined;
    }
    if (domains === undefined || domains.length === 0) this.domains.clear();
    else for (const domain of domains) this.domains.delete(domain);
  }

  /** Domains whose realm the edge knows now (tests, metrics). */
  get knownDomains(): number {
    return this.domains.size;
  }
}
