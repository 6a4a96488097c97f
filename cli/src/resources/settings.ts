import { InputError, type ResourceSpec } from '../command-spec.js';
import { cell, type Column } from '../output.js';

/** `key=value` pairs: f2b.* fields and gVarSipRegSameDialog, with JSON values where they parse. */
function patchOf(pairs: readonly string[]): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new InputError(`${pair}: expected key=value, e.g. f2b.maxFailures=10`);
    const key = pair.slice(0, eq);
    const raw = pair.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // a plain string
    }
    if (key.startsWith('f2b.')) {
      const f2b = (body.f2b ??= {}) as Record<string, unknown>;
      f2b[key.slice(4)] = key === 'f2b.whitelist' && typeof value === 'string' ? value.split(',').filter((v) => v !== '') : value;
    } else {
      body[key] = value;
    }
  }
  return body;
}

const SETTINGS_FIELDS: Column[] = [
  { header: 'f2b.enabled', value: (s) => s.f2b?.enabled },
  { header: 'f2b.maxFailures', value: (s) => s.f2b?.maxFailures },
  { header: 'f2b.windowSeconds', value: (s) => s.f2b?.windowSeconds },
  { header: 'f2b.banSeconds', value: (s) => s.f2b?.banSeconds },
  { header: 'f2b.whitelist', value: (s) => cell(s.f2b?.whitelist) },
  { header: 'gVarSipRegSameDialog', value: (s) => s.gVarSipRegSameDialog ?? '1 (default)' },
];

export const SETTINGS: ResourceSpec = {
  resource: 'settings',
  summary: 'system settings: fail-to-ban and gVarSipRegSameDialog (system token)',
  verbs: [
    {
      verb: 'get',
      summary: 'show the system settings',
      request: () => ({ method: 'GET', path: '/system/settings' }),
      render: { kind: 'record', fields: SETTINGS_FIELDS },
    },
    {
      verb: 'set',
      summary: 'change settings: key=value … (f2b.maxFailures=10 f2b.whitelist=10.0.0.0/8,192.0.2.1 gVarSipRegSameDialog=0)',
      args: ['<pairs...>'],
      request: (input) => ({ method: 'PATCH', path: '/system/settings', body: patchOf(input.lists.pairs ?? []) }),
      render: { kind: 'record', fields: SETTINGS_FIELDS },
    },
  ],
};
