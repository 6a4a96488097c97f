import { tenantPath, type ResourceSpec } from '../command-spec.js';
import { columns } from '../output.js';

const party = (p: { ext?: string; displayName?: string } | undefined) => (p ? (p.displayName ? `${p.ext} (${p.displayName})` : p.ext) : undefined);

export const CALLS: ResourceSpec = {
  resource: 'calls',
  summary: 'calls in progress',
  verbs: [
    {
      verb: 'list',
      summary: "the tenant's calls in progress, oldest first",
      tenant: true,
      request: (input) => ({ method: 'GET', path: `${tenantPath(input)}/calls` }),
      render: {
        kind: 'rows',
        rows: (b) => b.calls,
        columns: [
          ...columns('callId', 'direction', 'state'),
          { header: 'caller', value: (c) => party(c.caller) },
          { header: 'callee', value: (c) => party(c.callee) },
          ...columns('trunkId', 'startTime', 'answerTime', 'edgeId'),
        ],
        empty: 'no calls in progress',
      },
    },
  ],
};
