/**
 * /v1/tenants/{tenant}/tokens: tenant API tokens. The secret is in the
 * creation reply only (stored as a SHA-256 hash, token-repository.ts); a
 * token reaches its tenant and nothing else (403). Revoking stops it at once.
 */
import { z } from 'zod';
import type { ApiToken } from './token-repository.js';
import { conflict, notFound } from './api-error.js';
import { noContent, reply } from './replies.js';
import { route, tenantOf } from './route.js';

const TAG = 'Tokens';

const tokenView = z
  .object({ id: z.string(), name: z.string(), tenantId: z.string(), createdAt: z.string(), createdBy: z.string() })
  .meta({ id: 'Token', description: 'A tenant token; never its secret.' });

const createdTokenView = tokenView
  .extend({ token: z.string().meta({ description: 'The secret, shown this once: send it as "Authorization: Bearer <token>"' }) })
  .meta({ id: 'CreatedToken' });

const tokenBody = z
  .object({ name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { error: 'must be 1-64 characters of A-Z a-z 0-9 . _ - starting with a letter or digit' }) })
  .strict()
  .meta({ id: 'TokenCreate' });

const toView = (t: ApiToken): z.output<typeof tokenView> => ({ id: t.id, name: t.name, tenantId: t.tenantId, createdAt: t.createdAt, createdBy: t.createdBy });

const create = route<z.output<typeof tokenBody>>({
  method: 'POST',
  path: '/tenants/{tenant}/tokens',
  access: 'tenant',
  summary: 'Create a named tenant token; the secret is returned this once',
  tag: TAG,
  body: tokenBody,
  success: { status: 201, schema: createdTokenView },
  errors: [404, 409],
  action: async (ctx) => {
    const tenant = tenantOf(ctx);
    const created = await ctx.deps.tokens.create(tenant.id, ctx.body.name, ctx.principal.actor, ctx.deps.now());
    if (!created) throw conflict(`name: tenant "${tenant.id}" has a token named "${ctx.body.name}" already`);
    const view = toView(created.token);
    return reply(201, { ...view, token: created.secret }, [{ tenantId: tenant.id, kind: 'token', id: view.name, op: 'created', after: view }]);
  },
});

const list = route({
  method: 'GET',
  path: '/tenants/{tenant}/tokens',
  access: 'tenant',
  summary: "List the tenant's tokens (names and ids, never the secrets)",
  tag: TAG,
  success: { status: 200, schema: z.object({ tenantId: z.string(), tokens: z.array(tokenView) }).meta({ id: 'TokenList' }) },
  errors: [404],
  action: async (ctx) => {
    const tenant = tenantOf(ctx);
    return reply(200, { tenantId: tenant.id, tokens: (await ctx.deps.tokens.list(tenant.id)).map(toView) });
  },
});

const revoke = route({
  method: 'DELETE',
  path: '/tenants/{tenant}/tokens/{token}',
  access: 'tenant',
  summary: 'Revoke a token by name or id; it stops working at once',
  tag: TAG,
  success: { status: 204 },
  errors: [404],
  action: async (ctx) => {
    const tenant = tenantOf(ctx);
    const revoked = await ctx.deps.tokens.revoke(tenant.id, ctx.params.token!);
    if (!revoked) throw notFound(`token not found: ${ctx.params.token}`);
    return noContent([{ tenantId: tenant.id, kind: 'token', id: revoked.name, op: 'deleted', before: toView(revoked) }]);
  },
});

export const TOKEN_ROUTES = [create, list, revoke];
