/**
 * A carrier's address is never banned by failed authentications (issue
 * "security": a PBX must not cut itself off from the phone network because
 * somebody forged the carrier's address, or the carrier misbehaved). The
 * carriers are every trunk's host and outbound proxy (trunk-repository.ts
 * listCarrierHosts); names are resolved. Asked only when a failure is about
 * to be counted, and cached briefly: trunks change rarely.
 */
import { isIP } from 'node:net';
import { normalizeAddress } from '../../../contracts/fail-to-ban/address-set.js';
import { dnsResolver, type HostResolver } from '../trunks/inbound-trunk.js';

export const CARRIER_CACHE_MS = 30_000;

export function carrierAddresses(
  trunks: { listCarrierHosts(): Promise<string[]> },
  resolve: HostResolver = dnsResolver,
  now: () => number = Date.now,
): (address: string) => Promise<boolean> {
  let cached: { at: number; addresses: Promise<Set<string>> } | undefined;
  const load = async (): Promise<Set<string>> => {
    const out = new Set<string>();
    for (const host of await trunks.listCarrierHosts()) {
      const bare = host.replace(/^\[|\]$/g, '');
      const addresses = isIP(bare) ? [bare] : await resolve(bare).catch(() => []);
      for (const a of addresses) out.add(normalizeAddress(a));
    }
    return out;
  };
  return async (address) => {
    const t = now();
    if (!cached || t - cached.at >= CARRIER_CACHE_MS) {
      const entry = { at: t, addresses: load() };
      cached = entry;
      entry.addresses.catch(() => {
        if (cached === entry) cached = undefined;
      });
    }
    return (await cached.addresses).has(normalizeAddress(address));
  };
}
