import { tenantPath, wholeNumber, type ResourceSpec } from '../command-spec.js';
import { columns } from '../output.js';

export const AUDIT: ResourceSpec = {
  resource: 'audit',
  summary: 'the audit log of changes, newest first',
  verbs: [
    {
      verb: 'list',
      summary: "a tenant's changes (with --tenant) or the system's",
      options: [{ flags: '--limit <n>', description: 'at most this many (1-1000)', parse: wholeNumber('--limit') }],
      request: (input) => ({ method: 'GET', path: input.tenant ? `${tenantPath(input)}/audit` : '/audit', query: { limit: input.options.limit?.toString() } }),
      render: {
        kind: 'rows',
        rows: (b) => b.entries,
        columns: [...columns('at', 'actor', 'operation'), { header: 'target', value: (e) => `${e.target?.kind} ${e.target?.id}` }, ...columns('action')],
        empty: 'no changes',
      },
    },
  ],
};
