/**
 * /v1/tenants/{tenant}/users: the extensions of a tenant. The next REGISTER
 * or INVITE reads what these write (nothing caches users yet): a new user
 * registers at once, a changed password refuses the old one at once, a
 * deleted user's devices are gone (its bindings are deleted with it).
 */
import type { z } from 'zod';
import { computeHa1 } from '../../../sip/index.js';
import type { UserAccount } from '../directory/user-account.js';
import { toUserAccount } from '../seed/apply-seed.js';
import { BadCursorError } from '../store/page-cursor.js';
import type { AdminApiDeps } from './admin-api-deps.js';
import { badRequest, conflict, notFound } from './api-error.js';
import { LIST_PAGE_DEFAULT, pageQuerySchema } from './query-params.js';
import { noContent, reply } from './replies.js';
import { route, tenantOf } from './route.js';
import { toUserView, userCreateBody, userPageView, userPatchBody, userView } from './user-schemas.js';

const TAG = 'Users';

export async function existingUser(deps: AdminApiDeps, tenantId: string, ext: string): Promise<UserAccount> {
  const user = await deps.directory.getUser(tenantId, ext);
  if (!user) throw notFound(`user not found: ${ext}`);
  return user;
}

const createUser = route<z.output<typeof userCreateBody>>({
  method: 'POST',
  path: '/tenants/{tenant}/users',
  access: 'tenant',
  summary: 'Create a user (extension); it may register at once',
  tag: TAG,
  body: userCreateBody,
  success: { status: 201, schema: userView },
  errors: [404, 409],
  action: async (ctx) => {
    const tenant = tenantOf(ctx);
    const account = toUserAccount(tenant, ctx.body);
    if (!(await ctx.deps.directoryAdmin.createUser(account))) throw conflict(`ext: ${account.ext} exists already in tenant "${tenant.id}"`);
    const view = toUserView(account);
    return reply(201, view, [{ tenantId: tenant.id, kind: 'user', id: account.ext, op: 'created', after: view }]);
  },
});

const listUsers = route<undefined, z.output<typeof pageQuerySchema>>({
  method: 'GET',
  path: '/tenants/{tenant}/users',
  access: 'tenant',
  summary: 'List the users, by extension, in pages (?limit=1..1000, default 100; ?cursor= from the previous page)',
  tag: TAG,
  query: pageQuerySchema,
  success: { status: 200, schema: userPageView },
  errors: [404],
  action: async (ctx) => {
    const tenant = tenantOf(ctx);
    try {
      const page = await ctx.deps.directoryAdmin.listUsersPage(tenant.id, ctx.query.limit ?? LIST_PAGE_DEFAULT, ctx.query.cursor);
      return reply(200, { tenantId: tenant.id, users: page.users.map(toUserView), ...(page.cursor ? { cursor: page.cursor } : {}) });
    } catch (err) {
      if (err instanceof BadCursorError) throw badRequest(err.message);
      throw err;
    }
  },
});

const getUser = route({
  method: 'GET',
  path: '/tenants/{tenant}/users/{ext}',
  access: 'tenant',
  summary: 'Read a user (never its password or HA1)',
  tag: TAG,
  success: { status: 200, schema: userView },
  errors: [404],
  action: async (ctx) => reply(200, toUserView(await existingUser(ctx.deps, tenantOf(ctx).id, ctx.params.ext!))),
});

const patchUser = route<z.output<typeof userPatchBody>>({
  method: 'PATCH',
  path: '/tenants/{tenant}/users/{ext}',
  access: 'tenant',
  summary: 'Change a user: password (the old one is refused at once), display name, devices, call limits',
  tag: TAG,
  body: userPatchBody,
  success: { status: 200, schema: userView },
  errors: [404],
  action: async (ctx) => {
    const tenant = tenantOf(ctx);
    const before = await existingUser(ctx.deps, tenant.id, ctx.params.ext!);
    const { password, displayName, multiDevice, maxDevices, maxCalls, maxOutgoingCalls } = ctx.body;
    const after: UserAccount = { ...before };
    if (password !== undefined) {
      after.ha1 = { MD5: computeHa1('MD5', before.ext, tenant.realm, password), 'SHA-256': computeHa1('SHA-256', before.ext, tenant.realm, password) };
    }
    if (displayName === null) delete after.displayName;
    else if (displayName !== undefined) after.displayName = displayName;
    if (multiDevice !== undefined) after.multiDevice = multiDevice;
    if (maxDevices !== undefined) after.maxDevices = maxDevices;
    if (maxCalls === null) delete after.maxCalls;
    else if (maxCalls !== undefined) after.maxCalls = maxCalls;
    if (maxOutgoingCalls === null) delete after.maxOutgoingCalls;
    else if (maxOutgoingCalls !== undefined) after.maxOutgoingCalls = maxOutgoingCalls;
    if (!(await ctx.deps.directoryAdmin.replaceUser(after))) throw notFound(`user not found: ${before.ext}`);
    const view = toUserView(after);
    // The audit entry says that the password changed, never what to.
    const audited = password !== undefined ? { ...view, password: '(changed)' } : view;
    return reply(200, view, [{ tenantId: tenant.id, kind: 'user', id: before.ext, op: 'updated', before: toUserView(before), after: audited }]);
  },
});

const deleteUser = route({
  method: 'DELETE',
  path: '/tenants/{tenant}/users/{ext}',
  access: 'tenant',
  summary: "Delete a user and its bindings (its devices are unregistered at once); 409 while a trunk's DID points at it",
  tag: TAG,
  success: { status: 204 },
  errors: [404, 409],
  action: async (ctx) => {
    const tenant = tenantOf(ctx);
    const ext = ctx.params.ext!;
    const before = await existingUser(ctx.deps, tenant.id, ext);
    // An inbound call to that DID would find nobody: the trunk must be changed first.
    for (const trunk of await ctx.deps.trunks.listTrunks(tenant.id)) {
      const did = Object.entries(trunk.dids).find(([, target]) => target === ext)?.[0];
      if (did !== undefined) throw conflict(`ext: DID ${did} of trunk "${trunk.id}" points at ${ext}; change the trunk's dids first`);
    }
    if (!(await ctx.deps.directoryAdmin.deleteUser(tenant.id, ext))) throw notFound(`user not found: ${ext}`);
    return noContent([{ tenantId: tenant.id, kind: 'user', id: ext, op: 'deleted', before: toUserView(before) }]);
  },
});

export const USER_ROUTES = [createUser, listUsers, getUser, patchUser, deleteUser];
