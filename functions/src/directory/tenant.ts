/** A PBX tenant: the registrar domains it answers for and its digest realm. */
export interface Tenant {
  id: string;
  /** Digest realm of every challenge for this tenant (RFC 3261 §22.1); part of the stored HA1s. */
  realm: string;
  /** Normalized domains (see normalizeDomain) that resolve to this tenant. */
  domains: string[];
}
