import { seg, tenantPath, type ResourceSpec } from '../command-spec.js';
import { columns } from '../output.js';

export const TOKENS: ResourceSpec = {
  resource: 'tokens',
  summary: "a tenant's API tokens (for its admins, scripts and this CLI)",
  verbs: [
    {
      verb: 'list',
      summary: 'list the tokens (never their secrets)',
      tenant: true,
      request: (input) => ({ method: 'GET', path: `${tenantPath(input)}/tokens` }),
      render: { kind: 'rows', rows: (b) => b.tokens, columns: columns('name', 'id', 'createdAt', 'createdBy'), empty: 'no tokens' },
    },
    {
      verb: 'add',
      summary: 'create a named token; its secret is printed this once',
      tenant: true,
      args: ['<name>'],
      request: (input) => ({ method: 'POST', path: `${tenantPath(input)}/tokens`, body: { name: input.args.name } }),
      render: { kind: 'record', fields: [...columns('name', 'id', 'tenantId', 'token')] },
    },
    {
      verb: 'revoke',
      summary: 'revoke a token by name or id; it stops working at once',
      tenant: true,
      args: ['<token>'],
      request: (input) => ({ method: 'DELETE', path: `${tenantPath(input)}/tokens/${seg(input.args.token)}` }),
      render: (input) => ({ kind: 'done', message: `revoked token ${input.args.token}` }),
    },
  ],
};
