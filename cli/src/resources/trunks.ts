import { readFile } from 'node:fs/promises';
import { InputError, limit, seg, tenantPath, type ResourceSpec, type VerbInput } from '../command-spec.js';
import { columns, type Column } from '../output.js';

const TRUNK_COLUMNS: Column[] = [
  ...columns('id', 'kind', 'host', 'port', 'transport'),
  { header: 'routes', value: (t) => (t.routes ?? []).map((r: { prefix: string; strip: number; prepend: string }) => `${r.prefix}${r.strip ? `-${r.strip}` : ''}${r.prepend ? `+${r.prepend}` : ''}`) },
  { header: 'in', value: (t) => `${t.usage?.in ?? 0}/${t.maxIncomingCalls ?? '∞'}` },
  { header: 'out', value: (t) => `${t.usage?.out ?? 0}/${t.maxOutgoingCalls ?? '∞'}` },
  { header: 'line', value: (t) => (t.status ? `${t.status.status}${t.status.lastError ? ` (${t.status.lastError})` : ''}` : t.kind === 'register' ? 'unknown' : undefined) },
];

/** A trunk is too rich for flags (routes, DIDs, credentials): its JSON comes from a file, as in the seed (docs/trunks.md). */
async function trunkJson(input: VerbInput): Promise<Record<string, unknown>> {
  const file = input.args.file!;
  let text: string;
  try {
    text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
  } catch (err) {
    throw new InputError(`${file}: ${(err as Error).message}`);
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('not a JSON object');
    return value as Record<string, unknown>;
  } catch (err) {
    throw new InputError(`${file}: ${(err as Error).message}`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const trunkPath = (input: VerbInput) => `${tenantPath(input)}/trunks/${seg(input.args.id)}`;

export const TRUNKS: ResourceSpec = {
  resource: 'trunks',
  summary: 'SIP trunks: routes, DIDs, limits, usage and line status',
  verbs: [
    {
      verb: 'list',
      summary: 'list the trunks in failover order with calls in use and line status',
      tenant: true,
      request: (input) => ({ method: 'GET', path: `${tenantPath(input)}/trunks` }),
      render: { kind: 'rows', rows: (b) => b.trunks, columns: TRUNK_COLUMNS, empty: 'no trunks' },
    },
    {
      verb: 'get',
      summary: 'show one trunk',
      tenant: true,
      args: ['<id>'],
      request: (input) => ({ method: 'GET', path: trunkPath(input) }),
      render: { kind: 'record' },
    },
    {
      verb: 'add',
      summary: 'add a trunk from a JSON file (- for stdin) with the seed\'s trunk fields',
      tenant: true,
      args: ['<file>'],
      request: async (input) => ({ method: 'POST', path: `${tenantPath(input)}/trunks`, body: await trunkJson(input) }),
      render: { kind: 'record' },
    },
    {
      verb: 'edit',
      summary: 'change a trunk: the fields of a JSON file, or the limits given',
      tenant: true,
      args: ['<id>', '[file]'],
      options: [
        { flags: '--max-incoming-calls <n>', description: 'incoming calls at once ("none": unlimited, 0: none)', parse: limit('--max-incoming-calls') },
        { flags: '--max-outgoing-calls <n>', description: 'outgoing calls at once ("none": unlimited, 0: none)', parse: limit('--max-outgoing-calls') },
      ],
      request: async (input) => {
        const body = input.args.file ? await trunkJson(input) : {};
        for (const name of ['maxIncomingCalls', 'maxOutgoingCalls']) if (input.options[name] !== undefined) body[name] = input.options[name];
        if (Object.keys(body).length === 0) throw new InputError('nothing to change: give a JSON file or a limit option');
        return { method: 'PATCH', path: trunkPath(input), body };
      },
      render: { kind: 'record' },
    },
    {
      verb: 'delete',
      summary: 'delete a trunk',
      tenant: true,
      args: ['<id>'],
      request: (input) => ({ method: 'DELETE', path: trunkPath(input) }),
      render: (input) => ({ kind: 'done', message: `deleted trunk ${input.args.id}` }),
    },
  ],
};
