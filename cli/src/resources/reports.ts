import { InputError, tenantPath, wholeNumber, type ResourceSpec, type VerbInput } from '../command-spec.js';
import { columns } from '../output.js';

/** --day YYYY-MM-DD (UTC) or --from/--to ISO times; default: today (UTC). */
function range(input: VerbInput): { from: string; to: string } {
  const from = input.options.from as string | undefined;
  const to = input.options.to as string | undefined;
  if (from !== undefined || to !== undefined) {
    if (from === undefined || to === undefined) throw new InputError('--from and --to go together (ISO-8601 times, UTC)');
    return { from, to };
  }
  const day = (input.options.day as string | undefined) ?? new Date().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) throw new InputError(`--day: must be YYYY-MM-DD (got "${day}")`);
  const start = Date.parse(`${day}T00:00:00Z`);
  return { from: new Date(start).toISOString(), to: new Date(start + 86_400_000).toISOString() };
}

const RANGE_OPTIONS = [
  { flags: '--day <YYYY-MM-DD>', description: 'one UTC day (default: today)' },
  { flags: '--from <iso>', description: 'start (with --to), e.g. 2026-11-26T00:00:00Z' },
  { flags: '--to <iso>', description: 'end, exclusive' },
];

export const REPORTS: ResourceSpec = {
  resource: 'reports',
  summary: 'hourly reports (basic call report, local user report) and CDRs',
  verbs: [
    {
      verb: 'calls',
      summary: 'the basic call report, one row per hour with calls',
      tenant: true,
      options: RANGE_OPTIONS,
      request: (input) => ({ method: 'GET', path: `${tenantPath(input)}/reports/calls`, query: range(input) }),
      render: {
        kind: 'rows',
        rows: (b) => b.rows,
        columns: [
          { header: 'hour', value: (r) => r.hour },
          ...['attempts', 'alerted', 'answered', 'busy', 'noAnswer', 'cancelled', 'failed', 'rejected', 'asrPercent', 'acdMinutes'].map((k) => ({ header: k, value: (r: { total?: Record<string, unknown> }) => r.total?.[k] })),
        ],
        empty: 'no calls in this range',
      },
    },
    {
      verb: 'users',
      summary: 'the local user report: users online per hour',
      tenant: true,
      options: RANGE_OPTIONS,
      request: (input) => ({ method: 'GET', path: `${tenantPath(input)}/reports/users`, query: range(input) }),
      render: { kind: 'rows', rows: (b) => b.rows, columns: columns('hour', 'usersOnline', 'peakOnline'), empty: 'nobody online in this range' },
    },
    {
      verb: 'rollup',
      summary: 'roll one hour up now (YYYY-MM-DDTHH, UTC), e.g. before its scheduled run',
      tenant: true,
      args: ['<hour>'],
      request: (input) => ({ method: 'POST', path: `${tenantPath(input)}/reports/rollup`, body: { hour: input.args.hour } }),
      render: { kind: 'record' },
    },
    {
      verb: 'cdrs',
      summary: 'call detail records',
      tenant: true,
      options: [...RANGE_OPTIONS, { flags: '--limit <n>', description: 'at most this many', parse: wholeNumber('--limit') }],
      request: (input) => ({ method: 'GET', path: `${tenantPath(input)}/cdrs`, query: { ...range(input), limit: input.options.limit?.toString() } }),
      render: {
        kind: 'rows',
        rows: (b) => b.cdrs,
        columns: [
          ...columns('startTime', 'direction'),
          { header: 'caller', value: (c) => c.caller?.ext },
          { header: 'callee', value: (c) => c.callee?.ext },
          ...columns('disposition', 'status', 'talkSeconds', 'trunkId', 'callId'),
        ],
        empty: 'no calls in this range',
      },
    },
  ],
};
