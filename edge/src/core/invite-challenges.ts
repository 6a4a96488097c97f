/**
 * First INVITE challenges answered by the edge itself (issue 14: the 407 of
 * a call costs no function call and no store read), the way
 * registrar-challenges.ts answers the first 401 of a REGISTER.
 *
 * authorize-call answers an INVITE without credentials 407 only when no
 * trunk takes it: an IP trunk is known by the source address and port (and,
 * for a carrier shared between tenants, the called number), a registering
 * line by the called number and the carrier's address
 * (functions/src/trunks/inbound-trunk.ts). So the edge never guesses: it
 * learns "this source address:port, calling this number from this From
 * domain, is challenged, with this realm and these algorithms" only from a
 * 407 that authorize-call itself returned for such an INVITE
 * (AuthorizeCallResult.digest), and answers only that same request shape
 * again: a well-formed INVITE (contracts/call-request.ts: what authorize-call
 * would answer 400 or 416 goes to it) with no Proxy-Authorization at all.
 * A carrier's INVITE is admitted by authorize-call, never answered 407, so
 * nothing is learnt for it; a spoofed carrier source is a trunk call too.
 * When authorize-call adds that no trunk at all could send from the source
 * (AuthorizeCallResult.anyNumber: no IP trunk at its address:port, no
 * registering line whose carrier is its address — a phone), the number
 * changes nothing and the entry covers the source's INVITEs to any number.
 *
 * The reply is the one authorize-call builds, from the same builder
 * (contracts/digest-challenge.ts): same realm, same algorithms in the same
 * order per transport, a fresh stateless nonce bound to the source address
 * and this edge. Fail-to-ban counts only failed credentials, never a
 * challenge; flood control runs before the route; so nothing counts
 * differently.
 *
 * Bound on staleness: an entry lives PBX_DIRECTORY_CACHE_SECONDS (the bound
 * the warm functions' directory data has), and directory.changed drops it
 * sooner where the edge hears the bus (the local stack): any trunk change
 * clears every entry, a tenant change the entries of its domains. So a trunk
 * added for a source that was challenged is honoured within that bound, and
 * a changed realm costs at most one more round trip (credentials for an old
 * realm are not ours: authorize-call challenges again and the edge re-learns).
 */
import { getHeaders } from '../../../sip/index.js';
import type { SipRequest } from '../../../sip/message.js';
import { parseDirectoryChanged } from '../../../contracts/bus/directory-events.js';
import { readCallRequest } from '../../../contracts/call-request.js';
import { challengeReply, DIGEST_HEADERS, digestChallenges } from '../../../contracts/digest-challenge.js';
import { ExpiringCache } from '../../../contracts/expiring-cache.js';
import { nonceIssuer, type AuthorizeCallResult, type DomainDigest, type EdgeIdentity } from '../../../contracts/function-events.js';
import { normalizeDomain } from '../../../contracts/register-request.js';
import type { Source } from '../../../contracts/transport.js';

/** Far more than devices × numbers they call within a TTL; a flood of made-up ones only forgets the oldest. */
const MAX_ENTRIES = 50_000;

/** What a 407 of authorize-call taught: the challenge, and the auth info it came with (the tenant, when there is one). */
interface Learned {
  digest: DomainDigest;
  tenantId?: string;
  /** The From domain, for directory.changed of a tenant. */
  callerDomain: string;
}

/**
 * The facts authorize-call's first 407 depends on (readCallRequest, then
 * findInboundTrunk, then the tenant of the From domain), as one key; or
 * undefined when the edge must not answer: not an INVITE, malformed (the
 * function's 400/416), or with any Proxy-Authorization (the function's to
 * judge, stale and foreign nonces included).
 */
export function inviteChallengeKey(
  request: SipRequest,
  source: Pick<Source, 'address' | 'port'>,
): { key: string; anyNumberKey: string; callerDomain: string } | undefined {
  if (request.method !== 'INVITE') return undefined;
  if (getHeaders(request, DIGEST_HEADERS.proxy.credentials).length > 0) return undefined;
  const req = readCallRequest(request);
  if ('status' in req) return undefined;
  // As the trunk index keys sources (trunk-repository.ts trunkSourcePartition), plus what else the trunk match and the realm read.
  const address = normalizeDomain(source.address);
  return {
    key: JSON.stringify([address, source.port, req.number, req.callerDomain]),
    // For a source no trunk can be (AuthorizeCallResult.anyNumber): the number does not change the answer.
    anyNumberKey: JSON.stringify([address, source.port, null, req.callerDomain]),
    callerDomain: req.callerDomain,
  };
}

export interface InviteChallengesOptions {
  /** The deployment's secret (the functions sign nonces with the same). */
  secret: string;
  identity: EdgeIdentity;
  /** PBX_DIRECTORY_CACHE_SECONDS in ms. */
  ttlMs: number;
  maxEntries?: number;
  now?: () => number;
}

export class InviteChallenges {
  private readonly entries: ExpiringCache<string, Learned>;
  private readonly now: () => number;

  constructor(private readonly options: InviteChallengesOptions) {
    this.now = options.now ?? Date.now;
    this.entries = new ExpiringCache(options.ttlMs, options.maxEntries ?? MAX_ENTRIES, this.now);
  }

  /** authorize-call's 407 for this INVITE when it taught the edge that is all it would answer; undefined: ask it. */
  answer(request: SipRequest, source: Source): AuthorizeCallResult | undefined {
    const k = inviteChallengeKey(request, source);
    const learned = k && (this.entries.lookup(k.key)?.value ?? this.entries.lookup(k.anyNumberKey)?.value);
    if (!learned) return undefined;
    const { digest } = learned;
    const binding = { source: source.address, issuer: nonceIssuer(this.options.identity) };
    const challenges = digestChallenges({ secret: this.options.secret, realm: digest.realm, algorithms: digest.algorithms, now: this.now(), binding, transport: source.protocol, stale: false });
    return {
      decision: 'reply',
      reply: challengeReply('proxy', challenges),
      auth: { outcome: 'challenge', ...(learned.tenantId !== undefined ? { tenantId: learned.tenantId } : {}) },
      digest,
    };
  }

  /** Keeps what authorize-call's first 407 to this INVITE says (nothing else is learnt). */
  learn(request: SipRequest, source: Source, result: AuthorizeCallResult): void {
    if (result.decision !== 'reply' || result.reply.status !== 407 || result.auth?.outcome !== 'challenge' || !result.digest) return;
    const k = inviteChallengeKey(request, source);
    if (!k) return;
    const tenantId = result.auth.tenantId;
    this.entries.set(result.anyNumber ? k.anyNumberKey : k.key, {
      digest: { realm: result.digest.realm, algorithms: [...result.digest.algorithms] },
      callerDomain: k.callerDomain,
      ...(tenantId !== undefined ? { tenantId } : {}),
    });
  }

  /** A directory.changed detail: a trunk change may make any source a carrier (all dropped); a tenant change drops its domains. */
  changed(detail: unknown): void {
    let domains: string[] | undefined;
    try {
      const change = parseDirectoryChanged(detail);
      if (change.kind !== 'tenant' && change.kind !== 'trunk') return;
      domains = change.kind === 'tenant' ? change.domains?.map(normalizeDomain) : undefined;
    } catch {
      domains = undefined;
    }
    if (domains === undefined || domains.length === 0) this.entries.clear();
    else {
      const dropped = new Set(domains);
      this.entries.deleteWhere((_key, learned) => dropped.has(learned.callerDomain));
    }
  }

  /** Entries known now (tests). */
  get size(): number {
    return this.entries.size;
  }
}
