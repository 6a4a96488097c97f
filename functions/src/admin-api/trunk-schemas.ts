/**
 * Bodies of the trunk endpoints, from the seed's trunk schema
 * (trunks/trunk-schema.ts lists every field and default). Credentials
 * (password, authUser) are write-only: see trunk-view.ts.
 */
import { z } from 'zod';
import type { Trunk } from '../../../contracts/trunk.js';
import { trunkSchema, type SeedTrunk } from '../trunks/trunk-schema.js';

const t = trunkSchema.shape;

export const trunkCreateBody = trunkSchema.strict().meta({
  id: 'TrunkCreate',
  description: 'A SIP trunk: "ip" (carrier trusted by address) or "register" (username and password required). Fields and defaults: docs/trunks.md.',
});

export const trunkPatchBody = z
  .object({
    kind: t.kind.optional(),
    host: t.host.optional(),
    port: t.port.unwrap().optional(),
    transport: t.transport.unwrap().optional(),
    username: t.username.unwrap().nullable().optional(),
    authUser: t.authUser.unwrap().nullable().optional(),
    password: t.password.unwrap().nullable().optional(),
    domain: t.domain.unwrap().nullable().optional(),
    realm: t.realm.unwrap().nullable().optional(),
    expires: t.expires.unwrap().optional(),
    outboundProxy: t.outboundProxy.unwrap().nullable().optional(),
    callerId: t.callerId.unwrap().optional(),
    routes: t.routes.unwrap().optional(),
    dids: t.dids.unwrap().optional(),
    maxIncomingCalls: t.maxIncomingCalls.unwrap().nullable().optional(),
    maxOutgoingCalls: t.maxOutgoingCalls.unwrap().nullable().optional(),
    maxTotalCalls: t.maxTotalCalls.unwrap().nullable().optional(),
    regSameDialog: t.regSameDialog.unwrap().nullable().optional(),
  })
  .strict()
  .meta({ id: 'TrunkPatch', description: 'Fields to change; null removes an optional field (a limit: unlimited). Routes and DIDs are replaced as a whole.' });

export type TrunkPatch = z.output<typeof trunkPatchBody>;

/** The stored trunk with the patch applied, as seed input (validated again by the caller with trunkCreateBody). */
export function patchedTrunkInput(stored: Trunk, patch: TrunkPatch): Record<string, unknown> {
  const { tenantId: _tenantId, ...input } = stored as Trunk & Record<string, unknown>;
  const out: Record<string, unknown> = { ...input };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null) delete out[key];
    else out[key] = value;
  }
  return out;
}

/** A stored trunk in the seed's shape (for the cross-trunk rules of checkTenantTrunks and for export). */
export function asSeedTrunk(trunk: Trunk): SeedTrunk {
  const { tenantId: _tenantId, ...rest } = trunk;
  return { ...rest, routes: trunk.routes.map((r) => ({ ...r })), dids: { ...trunk.dids } } as SeedTrunk;
}
