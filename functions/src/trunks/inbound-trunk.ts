/**
 * Which trunk an out-of-dialog request came in on, if any (issue "SIP
 * trunks", inbound):
 *
 * - IP-trusted trunk: the carrier is known by its source address AND port
 *   (MSS "IP trunk"); carriers sharing an address between tenants are told
 *   apart by the called number (TrunkReader.findTrunkBySource).
 * - Registering external line: the carrier sends the call to the Contact
 *   this PBX registered (edge/src/trunks/register-request.ts: the account at
 *   our address), so the Request-URI user is the line's account; the call must
 *   also come from the carrier's host (or its outbound proxy) — any port, as
 *   carriers send from a pool of ports.
 *
 * Anything else is not a trunk call, whatever its From claims: it goes down
 * the user path and is challenged (407), so an unknown source cannot reach a
 * DID without credentials.
 *
 * The called number: the Request-URI user for an IP trunk (carriers send the
 * DID there); for a registered line the Request-URI user is our account, so
 * the To user carries the DID.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Source } from '../../../contracts/transport.js';
import { normalizeDomain } from '../store/keys.js';
import type { TrunkReader } from './trunk-repository.js';
import type { Trunk } from '../../../contracts/trunk.js';

export interface InboundTrunkCall {
  trunk: Trunk;
  /** The number the carrier called (a DID of the trunk, or not). */
  calledNumber: string;
}

/** Addresses a host name stands for (IP literals as they are). */
export type HostResolver = (host: string) => Promise<string[]>;

const bare = (host: string): string => normalizeDomain(host).replace(/^\[|\]$/g, '');

export const dnsResolver: HostResolver = async (host) => {
  const h = bare(host);
  if (isIP(h)) return [h];
  try {
    return (await lookup(h, { all: true })).map((a) => a.address);
  } catch {
    return [];
  }
};

async function comesFrom(trunk: Pick<Trunk, 'host' | 'outboundProxy'>, address: string, resolve: HostResolver): Promise<boolean> {
  const source = bare(address);
  for (const host of [trunk.host, trunk.outboundProxy?.host]) {
    if (host === undefined) continue;
    if ((await resolve(host)).some((a) => bare(a) === source)) return true;
  }
  return false;
}

/**
 * Whether any trunk could have sent a request from this source, whatever
 * number it called: an IP trunk at its address and port, or a registering
 * line whose carrier (or outbound proxy) is its address. False is what lets
 * the edge answer this source's next INVITEs without credentials 407 for
 * any number (edge/src/core/invite-challenges.ts).
 */
export async function mayComeFromTrunk(
  trunks: Pick<TrunkReader, 'findTrunksBySource' | 'listRegisteringTrunks'>,
  source: Source,
  resolve: HostResolver = dnsResolver,
): Promise<boolean> {
  if ((await trunks.findTrunksBySource(source.address, source.port)).length > 0) return true;
  for (const line of await trunks.listRegisteringTrunks()) if (await comesFrom(line, source.address, resolve)) return true;
  return false;
}

export async function findInboundTrunk(
  trunks: Pick<TrunkReader, 'findTrunkBySource' | 'listRegisteringTrunks'>,
  source: Source,
  called: { requestUser: string; toUser: string | undefined },
  resolve: HostResolver = dnsResolver,
): Promise<InboundTrunkCall | undefined> {
  const ipTrunk = await trunks.findTrunkBySource(source.address, source.port, called.requestUser);
  if (ipTrunk) return { trunk: ipTrunk, calledNumber: called.requestUser };

  const lines = (await trunks.listRegisteringTrunks()).filter((t) => t.username !== undefined && t.username === called.requestUser);
  for (const line of lines) {
    if (!(await comesFrom(line, source.address, resolve))) continue;
    return { trunk: line, calledNumber: called.toUser ?? called.requestUser };
  }
  return undefined;
}
