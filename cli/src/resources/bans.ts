import { bodyOf, seg, wholeNumber, type ResourceSpec } from '../command-spec.js';
import { columns } from '../output.js';

export const BANS: ResourceSpec = {
  resource: 'bans',
  summary: 'fail-to-ban: banned addresses (system token)',
  verbs: [
    {
      verb: 'list',
      summary: 'list the active bans',
      options: [{ flags: '--all', description: 'expired bans too' }],
      request: (input) => ({ method: 'GET', path: '/bans', query: { all: input.options.all ? 'true' : undefined } }),
      render: { kind: 'rows', rows: (b) => b.bans, columns: columns('address', 'active', 'since', 'until', 'failures', 'reason', 'tenantId', 'username'), empty: 'no bans' },
    },
    {
      verb: 'add',
      summary: 'ban an address now',
      args: ['<address>'],
      options: [
        { flags: '--seconds <n>', description: 'for this long (default: the fail-to-ban banSeconds)', parse: wholeNumber('--seconds') },
        { flags: '--reason <text>', description: 'why (shown in the list and the audit log)' },
      ],
      request: (input) => ({ method: 'POST', path: '/bans', body: { address: input.args.address, ...bodyOf(input.options, ['seconds', 'reason']) } }),
      render: { kind: 'record' },
    },
    {
      verb: 'lift',
      summary: 'lift a ban early',
      args: ['<address>'],
      request: (input) => ({ method: 'DELETE', path: `/bans/${seg(input.args.address)}` }),
      render: (input) => ({ kind: 'done', message: `lifted the ban of ${input.args.address}` }),
    },
  ],
};
