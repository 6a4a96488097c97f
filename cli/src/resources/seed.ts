import { readFile } from 'node:fs/promises';
import { InputError, tenantPath, type ResourceSpec, type VerbInput } from '../command-spec.js';

async function seedDocument(input: VerbInput): Promise<unknown> {
  const file = input.args.file!;
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch (err) {
    throw new InputError(`${file}: ${(err as Error).message}`);
  }
}

export const SEED: ResourceSpec = {
  resource: 'seed',
  summary: 'tenants as seed documents: export, import (the PBX_SEED format)',
  verbs: [
    {
      verb: 'export',
      summary: 'a tenant as a seed document, without secrets (JSON on stdout)',
      tenant: true,
      request: (input) => ({ method: 'GET', path: `${tenantPath(input)}/export` }),
      render: { kind: 'document' },
    },
    {
      verb: 'import',
      summary: 'upsert from a seed file: into --tenant, or a whole document (system token) without it',
      args: ['<file>'],
      request: async (input) => ({ method: 'POST', path: input.tenant ? `${tenantPath(input)}/import` : '/import', body: await seedDocument(input) }),
      render: { kind: 'record' },
    },
  ],
};
