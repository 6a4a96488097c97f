/**
 * The INVITE an outbound trunk call sends to the carrier, as data the edge
 * applies (contracts.ts TrunkLeg). Pure.
 *
 * - Request-URI: the dialled number after the route's strip/prepend, at the
 *   carrier's domain (RFC 3261 §19.1.1; the port only when the domain is the
 *   carrier's host, so the URI names the carrier's listening port).
 * - Caller presentation (MSS "caller-ID presentation"):
 *   "from" — the caller's extension in the From user part;
 *   "pai"  — From names the trunk account (what the carrier bills), the
 *            caller travels in P-Asserted-Identity (RFC 3325 §9.1), for
 *            carriers of a trust domain that honour it.
 *   The From tag stays the caller's: the dialog is identified by tags and
 *   Call-ID (RFC 3261 §12), so the caller's dialog is not broken.
 */
import type { CallParty, TrunkLeg } from '../../../contracts/function-events.js';
import type { TrunkChoice } from '../calls/dial-plan.js';
import { trunkDomainOf, trunkRealmOf, type Trunk } from '../../../contracts/trunk.js';

const DEFAULT_SIP_PORT = 5060;


/** host[:port] for a URI; IPv6 literals in brackets (RFC 3261 §25.1 IPv6reference). */
function hostPort(host: string, port?: number): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return port !== undefined && port !== DEFAULT_SIP_PORT ? `${h}:${port}` : h;
}

/** RFC 3261 §25.1 quoted-string for a display name. */
function quoted(name: string): string {
  return `"${name.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

function nameAddr(party: { displayName?: string }, uri: string): string {
  return party.displayName ? `${quoted(party.displayName)} <${uri}>` : `<${uri}>`;
}

export function buildTrunkLeg(trunk: Trunk, choice: TrunkChoice, caller: CallParty, admitted: boolean): TrunkLeg {
  const domain = trunkDomainOf(trunk);
  const usesHost = domain === trunk.host;
  const transport = trunk.transport === 'udp' ? '' : `;transport=${trunk.transport}`;
  const requestUri = `sip:${choice.number}@${hostPort(domain, usesHost ? trunk.port : undefined)}${transport}`;
  const uriAt = (user: string): string => `sip:${user}@${hostPort(domain)}`;
  const callerUri = uriAt(caller.ext);
  const leg: TrunkLeg = {
    tenantId: trunk.tenantId,
    trunkId: trunk.id,
    requestUri,
    destination: { protocol: trunk.transport, host: trunk.outboundProxy?.host ?? trunk.host, port: trunk.outboundProxy?.port ?? trunk.port },
    from: trunk.callerId === 'pai' ? `<${uriAt(trunk.username ?? caller.ext)}>` : nameAddr(caller, callerUri),
    to: `<${uriAt(choice.number)}>`,
    admitted,
  };
  if (trunk.callerId === 'pai') leg.assertedIdentity = nameAddr(caller, callerUri);
  if (trunk.password !== undefined) leg.credentials = { username: trunk.authUser ?? trunk.username ?? '', password: trunk.password, realm: trunkRealmOf(trunk) };
  return leg;
}
