/**
 * Every registering trunk ("external line") of every tenant, as the edges
 * need it to keep the lines registered: where to register, the account and
 * its password (to answer the carrier's digest challenge, RFC 3261 §22.2 —
 * the realm is only known from the challenge, so the password itself is
 * needed) and the gVarSipRegSameDialog that applies. Never log the result.
 */
import type { TrunkLine, TrunkLinesResult } from '../../../contracts/function-events.js';
import type { RegSameDialog } from './reg-same-dialog.js';
import type { Trunk } from '../../../contracts/trunk.js';
import type { TrunkReader } from './trunk-repository.js';

export interface TrunkLinesDeps {
  trunks: Pick<TrunkReader, 'listRegisteringTrunks' | 'getRegSameDialog'>;
}

/** The line of a registering trunk. Pure. */
export function toTrunkLine(trunk: Trunk, regSameDialog: RegSameDialog): TrunkLine {
  return {
    tenantId: trunk.tenantId,
    id: trunk.id,
    kind: 'register',
    host: trunk.host,
    port: trunk.port,
    transport: trunk.transport,
    ...(trunk.username !== undefined ? { username: trunk.username } : {}),
    ...(trunk.authUser !== undefined ? { authUser: trunk.authUser } : {}),
    ...(trunk.password !== undefined ? { password: trunk.password } : {}),
    ...(trunk.domain !== undefined ? { domain: trunk.domain } : {}),
    ...(trunk.realm !== undefined ? { realm: trunk.realm } : {}),
    expires: trunk.expires,
    ...(trunk.outboundProxy !== undefined ? { outboundProxy: { host: trunk.outboundProxy.host, port: trunk.outboundProxy.port } } : {}),
    regSameDialog,
  };
}

export async function trunkLines(deps: TrunkLinesDeps): Promise<TrunkLinesResult> {
  const trunks = (await deps.trunks.listRegisteringTrunks()).filter((t) => t.kind === 'register');
  // The inherited value (tenant → system → 1) is read once per tenant, not once per line.
  const inherited = new Map<string, Promise<RegSameDialog>>();
  const inheritedFor = (tenantId: string): Promise<RegSameDialog> => {
    let value = inherited.get(tenantId);
    if (!value) inherited.set(tenantId, (value = deps.trunks.getRegSameDialog({ tenantId })));
    return value;
  };
  const lines = await Promise.all(trunks.map(async (t) => toTrunkLine(t, t.regSameDialog ?? (await inheritedFor(t.tenantId)))));
  return { lines };
}
