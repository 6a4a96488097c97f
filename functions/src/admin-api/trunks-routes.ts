/**
 * /v1/tenants/{tenant}/trunks: SIP trunks with routes, DIDs, limits and
 * write-only credentials; every view carries the trunk's usage now and its
 * line status. The seed's rules apply (checkTenantTrunks: credentials of
 * registering trunks, one IP trunk per source address, DIDs that point at
 * existing extensions), with the field named in the 400/409.
 */
import { z } from 'zod';
import type { Trunk } from '../../../contracts/trunk.js';
import { checkTenantTrunks, toTrunk } from '../trunks/trunk-schema.js';
import type { AdminApiDeps } from './admin-api-deps.js';
import { ApiError, conflict, notFound } from './api-error.js';
import { noContent, reply } from './replies.js';
import { parseWith } from './request-input.js';
import { route, tenantOf } from './route.js';
import { asSeedTrunk, patchedTrunkInput, trunkCreateBody, trunkPatchBody } from './trunk-schemas.js';
import { toAdminTrunkView, trunkView } from './trunk-view.js';

const TAG = 'Trunks';

const trunkListView = z.object({ tenantId: z.string(), trunks: z.array(trunkView) }).meta({ id: 'TrunkList' });

async function viewOf(deps: AdminApiDeps, trunk: Trunk) {
  const ref = { tenantId: trunk.tenantId, trunkId: trunk.id };
  const [usage, status] = await Promise.all([deps.trunkUsage.usage(ref), deps.trunkStatus.getStatus(trunk.tenantId, trunk.id)]);
  return toAdminTrunkView(trunk, usage, status);
}

async function existingTrunk(deps: AdminApiDeps, tenantId: string, trunkId: string): Promise<Trunk> {
  const trunk = await deps.trunks.getTrunk(tenantId, trunkId);
  if (!trunk) throw notFound(`trunk not found: ${trunkId}`);
  return trunk;
}

/**
 * The seed's cross-trunk rules for `candidate` among the tenant's other
 * trunks. DID targets are checked against the store (one read per DID of
 * the candidate). 409 when another trunk holds the id or the source address.
 */
async function checkAgainstTenant(deps: AdminApiDeps, candidate: Trunk): Promise<void> {
  const others = (await deps.trunks.listTrunks(candidate.tenantId)).filter((t) => t.id !== candidate.id);
  const list = [...others, candidate];
  const targets = new Set(list.flatMap((t) => Object.values(t.dids)));
  const existing = new Set<string>();
  for (const ext of targets) {
    const isCandidateTarget = Object.values(candidate.dids).includes(ext);
    // Other trunks' DIDs were checked when they were written; only the candidate's are read.
    if (!isCandidateTarget || (await deps.directory.getUser(candidate.tenantId, ext))) existing.add(ext);
  }
  const index = list.length - 1;
  const issue = checkTenantTrunks(list.map(asSeedTrunk), existing).find((i) => i.path[1] === index);
  if (!issue) return;
  const field = issue.path.slice(2).join('.');
  const message = issue.message.replace(/trunks\[(\d+)\]/g, (_m, j: string) => `trunk "${list[Number(j)]!.id}"`);
  throw new ApiError(field === 'host' || field === 'id' ? 409 : 400, `${field}: ${message}`);
}

const listTrunks = route({
  method: 'GET',
  path: '/tenants/{tenant}/trunks',
  access: 'tenant',
  summary: 'List the trunks in failover order, with usage against their limits and line status',
  tag: TAG,
  success: { status: 200, schema: trunkListView },
  errors: [404],
  action: async (ctx) => {
    const tenant = tenantOf(ctx);
    const { trunks, trunkUsage, trunkStatus } = ctx.deps;
    const [list, statuses] = await Promise.all([trunks.listTrunks(tenant.id), trunkStatus.listStatuses(tenant.id)]);
    const statusById = new Map(statuses.map((s) => [s.trunkId, s]));
    const views = await Promise.all(list.map(async (t) => toAdminTrunkView(t, await trunkUsage.usage({ tenantId: tenant.id, trunkId: t.id }), statusById.get(t.id))));
    return reply(200, { tenantId: tenant.id, trunks: views });
  },
});

const createTrunk = route<z.output<typeof trunkCreateBody>>({
  method: 'POST',
  path: '/tenants/{tenant}/trunks',
  access: 'tenant',
  summary: 'Create a trunk (last in failover order); a registering trunk is registered by an edge at its next poll',
  tag: TAG,
  body: trunkCreateBody,
  success: { status: 201, schema: trunkView },
  errors: [404, 409],
  action: async (ctx) => {
    const tenant = tenantOf(ctx);
    const trunk = toTrunk(tenant.id, ctx.body);
    await checkAgainstTenant(ctx.deps, trunk);
    if (!(await ctx.deps.trunkAdmin.createTrunk(trunk))) throw conflict(`id: trunk "${trunk.id}" exists already`);
    const view = await viewOf(ctx.deps, trunk);
    return reply(201, view, [{ tenantId: tenant.id, kind: 'trunk', id: trunk.id, op: 'created', after: view }]);
  },
});

const getTrunk = route({
  method: 'GET',
  path: '/tenants/{tenant}/trunks/{trunk}',
  access: 'tenant',
  summary: 'Read a trunk with its usage and line status (never its password)',
  tag: TAG,
  success: { status: 200, schema: trunkView },
  errors: [404],
  action: async (ctx) => reply(200, await viewOf(ctx.deps, await existingTrunk(ctx.deps, tenantOf(ctx).id, ctx.params.trunk!))),
});

const patchTrunk = route<z.output<typeof trunkPatchBody>>({
  method: 'PATCH',
  path: '/tenants/{tenant}/trunks/{trunk}',
  access: 'tenant',
  summary: 'Change a trunk: routes, DIDs, limits, credentials, address (the next call uses them)',
  tag: TAG,
  body: trunkPatchBody,
  success: { status: 200, schema: trunkView },
  errors: [404, 409],
  action: async (ctx) => {
    const tenant = tenantOf(ctx);
    const before = await existingTrunk(ctx.deps, tenant.id, ctx.params.trunk!);
    const merged = parseWith(trunkCreateBody, patchedTrunkInput(before, ctx.body), '(body)');
    const after = toTrunk(tenant.id, merged);
    await checkAgainstTenant(ctx.deps, after);
    if (!(await ctx.deps.trunkAdmin.replaceTrunk(after))) throw notFound(`trunk not found: ${before.id}`);
    const [beforeView, view] = await Promise.all([viewOf(ctx.deps, before), viewOf(ctx.deps, after)]);
    const audited = ctx.body.password !== undefined || ctx.body.authUser !== undefined ? { ...view, credentials: '(changed)' } : view;
    return reply(200, view, [{ tenantId: tenant.id, kind: 'trunk', id: after.id, op: 'updated', before: beforeView, after: audited }]);
  },
});

const deleteTrunk = route({
  method: 'DELETE',
  path: '/tenants/{tenant}/trunks/{trunk}',
  access: 'tenant',
  summary: 'Delete a trunk with its usage counters and line status',
  tag: TAG,
  success: { status: 204 },
  errors: [404],
  action: async (ctx) => {
    const tenant = tenantOf(ctx);
    const before = await existingTrunk(ctx.deps, tenant.id, ctx.params.trunk!);
    const beforeView = await viewOf(ctx.deps, before);
    if (!(await ctx.deps.trunkAdmin.deleteTrunk(tenant.id, before.id))) throw notFound(`trunk not found: ${before.id}`);
    return noContent([{ tenantId: tenant.id, kind: 'trunk', id: before.id, op: 'deleted', before: beforeView }]);
  },
});

export const TRUNK_ROUTES = [listTrunks, createTrunk, getTrunk, patchTrunk, deleteTrunk];
