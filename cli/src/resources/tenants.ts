import { bodyOf, InputError, seg, type ResourceSpec } from '../command-spec.js';
import { columns } from '../output.js';

const list = (v: string) => v.split(',').map((d) => d.trim()).filter((d) => d !== '');
const regSameDialog = (v: string) => {
  if (v === 'default') return null;
  if (v === '0' || v === '1') return Number(v);
  throw new InputError(`--reg-same-dialog: must be 0, 1 or default (got "${v}")`);
};

export const TENANTS: ResourceSpec = {
  resource: 'tenants',
  summary: 'tenants (companies) and their SIP domains',
  verbs: [
    {
      verb: 'list',
      summary: 'list the tenants this token reaches',
      request: () => ({ method: 'GET', path: '/tenants' }),
      render: { kind: 'rows', rows: (b) => b.tenants, columns: [...columns('id', 'realm', 'domains'), { header: 'gVarSipRegSameDialog', value: (t) => t.settings?.gVarSipRegSameDialog }], empty: 'no tenants' },
    },
    {
      verb: 'get',
      summary: 'show one tenant',
      args: ['<id>'],
      request: (input) => ({ method: 'GET', path: `/tenants/${seg(input.args.id)}` }),
      render: { kind: 'record' },
    },
    {
      verb: 'add',
      summary: 'create a tenant (system token)',
      args: ['<id>'],
      options: [
        { flags: '--domains <list>', description: 'SIP domains, comma-separated (required)', parse: list },
        { flags: '--realm <realm>', description: 'digest realm (default: the first domain)' },
      ],
      request: (input) => ({ method: 'POST', path: '/tenants', body: { id: input.args.id, ...bodyOf(input.options, ['domains', 'realm']) } }),
      render: { kind: 'record' },
    },
    {
      verb: 'edit',
      summary: "change a tenant's domains (system token) or gVarSipRegSameDialog",
      args: ['<id>'],
      options: [
        { flags: '--domains <list>', description: 'the SIP domains, comma-separated, replacing the old list', parse: list },
        { flags: '--reg-same-dialog <0|1|default>', description: 'gVarSipRegSameDialog for the tenant', parse: regSameDialog },
      ],
      request: (input) => ({
        method: 'PATCH',
        path: `/tenants/${seg(input.args.id)}`,
        body: {
          ...bodyOf(input.options, ['domains']),
          ...(input.options.regSameDialog !== undefined ? { settings: { gVarSipRegSameDialog: input.options.regSameDialog } } : {}),
        },
      }),
      render: { kind: 'record' },
    },
    {
      verb: 'delete',
      summary: 'delete a tenant with its users, trunks and domains (system token)',
      args: ['<id>'],
      request: (input) => ({ method: 'DELETE', path: `/tenants/${seg(input.args.id)}` }),
      render: (input) => ({ kind: 'done', message: `deleted tenant ${input.args.id}` }),
    },
  ],
};
