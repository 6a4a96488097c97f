/**
 * A SIP trunk of a tenant, as MSS knows them: an IP-trusted trunk (the
 * carrier is recognised by address and port, nothing registers) or a
 * registering external line (the PBX registers to the carrier with an
 * account). Stored per tenant; the password is kept (the PBX must answer the
 * carrier's digest challenges with it) but never logged or returned by the API.
 */
export type TrunkKind = 'ip' | 'register';

export type TrunkTransport = 'udp' | 'tcp' | 'tls';


export interface TrunkRoute {
  /** Dialled-number prefix this trunk serves (longest match wins across trunks). */
  prefix: string;
  /** Digits removed from the front of the number before it goes to the carrier. */
  strip: number;
  /** Digits put in front after stripping. */
  prepend: string;
}

export interface Trunk {
  tenantId: string;
  id: string;
  kind: TrunkKind;
  host: string;
  port: number;
  /** 'tls': the carrier's certificate must chain to a trusted CA and be for `host` (RFC 5922 §7). */
  transport: TrunkTransport;
  /** Account at the carrier (register kind; also the digest user unless authUser is set). */
  username?: string;
  /** Digest user name when it differs from the account. */
  authUser?: string;
  password?: string;
  /** Carrier's SIP domain (defaults to host). */
  domain?: string;
  /**
   * The only digest realm whose challenges are answered with this trunk's
   * password (defaults to domain, then host): a challenge for any other realm
   * is refused, so no one on the path can get a response to crack offline.
   */
  realm?: string;
  /** Registration expiry asked of the carrier, seconds (register kind). */
  expires: number;
  /** Send through this proxy instead of host:port. */
  outboundProxy?: { host: string; port: number };
  /** How the caller is presented to the carrier. */
  callerId: 'from' | 'pai';
  routes: TrunkRoute[];
  /** Inbound: called number (DID) → extension. */
  dids: Record<string, string>;
  /** MSS limits: absent = unlimited, 0 = that direction disabled. */
  maxIncomingCalls?: number;
  maxOutgoingCalls?: number;
  maxTotalCalls?: number;
  /**
   * MSS gVarSipRegSameDialog for this trunk (overrides the system value):
   * 1 = RFC 3261 (one Call-ID, CSeq + 1), 0 = a new Call-ID for every REGISTER.
   */
  regSameDialog?: 0 | 1;
}

/** The realm the trunk's credentials belong to: `realm`, else the domain (RFC 3261 §22.1: a realm names one protection space). */
export function trunkRealmOf(trunk: Pick<Trunk, 'realm' | 'domain' | 'host'>): string {
  return trunk.realm || trunkDomainOf(trunk);
}

/** The carrier's SIP domain: `domain` when set, else the carrier's host (RFC 3261 §19.1.1 host part of the Request-URI). */
export function trunkDomainOf(trunk: Pick<Trunk, 'domain' | 'host'>): string {
  return trunk.domain && trunk.domain !== '' ? trunk.domain : trunk.host;
}
