import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSeed, SeedError } from '../../../functions/src/seed/seed-schema.js';

const valid = () => ({
  tenants: [
    {
      id: 'acme',
      domains: ['acme.test', '127.0.0.1'],
      users: [
        { ext: '1001', password: 's3cret-1001', displayName: 'Alice' },
        { ext: '1002', password: 's3cret-1002', multiDevice: true, maxDevices: 3 },
      ],
    },
  ],
});

function errorOf(json: unknown): SeedError {
  try {
    parseSeed(json);
  } catch (err) {
    if (err instanceof SeedError) return err;
    throw err;
  }
  throw new Error('expected a SeedError');
}

describe('parseSeed', () => {
  it('accepts the documented shape and fills defaults', () => {
    const seed = parseSeed(valid());
    expect(seed.tenants[0]).toMatchObject({ id: 'acme', domains: ['acme.test', '127.0.0.1'] });
    expect(seed.tenants[0]!.users[0]).toMatchObject({ ext: '1001', multiDevice: false, maxDevices: 3 });
    expect(seed.tenants[0]!.users[1]).toMatchObject({ ext: '1002', multiDevice: true, maxDevices: 3 });
  });

  it('keeps unknown fields that later versions add (trunks, settings, system)', () => {
    const json = { ...valid(), system: { logLevel: 'debug' } };
    // Trunks are validated since issue 3 (trunk-seed.test.ts); their unknown fields are still kept.
    json.tenants[0] = Object.assign(json.tenants[0]!, { trunks: [{ id: 't1', kind: 'ip', host: '192.0.2.1', future: 1 }], settings: { x: 1 } });
    const seed = parseSeed(json) as unknown as { system: unknown; tenants: { trunks: unknown; settings: unknown }[] };
    expect(seed.system).toEqual({ logLevel: 'debug' });
    expect(seed.tenants[0]!.trunks).toMatchObject([{ id: 't1', future: 1 }]);
    expect(seed.tenants[0]!.settings).toEqual({ x: 1 });
  });

  it('lower-cases domains and brackets bare IPv6 addresses', () => {
    const json = valid();
    json.tenants[0]!.domains = ['ACME.Test', '::1'];
    expect(parseSeed(json).tenants[0]!.domains).toEqual(['acme.test', '[::1]']);
  });

  it('accepts the demo seed shipped with the repository', () => {
    const demo = JSON.parse(readFileSync(new URL('../../../functions/src/seed/demo-seed.json', import.meta.url), 'utf8'));
    const seed = parseSeed(demo);
    expect(seed.tenants[0]!.users.map((u) => u.ext)).toEqual(['1001', '1002', '1003']);
  });

  it.each([
    ['a user ext of the wrong type', (j: any) => (j.tenants[0].users[1].ext = 1002), /tenants\[0\]\.users\[1\]\.ext: /],
    ['a missing password', (j: any) => delete j.tenants[0].users[0].password, /tenants\[0\]\.users\[0\]\.password: /],
    ['a negative maxCalls', (j: any) => (j.tenants[0].users[0].maxCalls = -1), /tenants\[0\]\.users\[0\]\.maxCalls: /],
    ['a fractional maxOutgoingCalls', (j: any) => (j.tenants[0].users[0].maxOutgoingCalls = 1.5), /tenants\[0\]\.users\[0\]\.maxOutgoingCalls: /],
    ['a tenant id with a slash', (j: any) => (j.tenants[0].id = 'a/b'), /tenants\[0\]\.id: /],
    ['an empty domain list', (j: any) => (j.tenants[0].domains = []), /tenants\[0\]\.domains: /],
    ['no tenants array', (j: any) => delete j.tenants, /^ {2}tenants: /m],
    ['a duplicate ext in a tenant', (j: any) => (j.tenants[0].users[1].ext = '1001'), /tenants\[0\]\.users\[1\]\.ext: duplicate ext "1001"/],
    [
      'a duplicate tenant id',
      (j: any) => j.tenants.push({ id: 'acme', domains: ['other.test'], users: [] }),
      /tenants\[1\]\.id: duplicate tenant id "acme"/,
    ],
    [
      'a domain claimed by two tenants',
      (j: any) => j.tenants.push({ id: 'globex', domains: ['globex.test', 'ACME.test'], users: [] }),
      /tenants\[1\]\.domains\[1\]: domain "acme.test" is already claimed by tenant "acme"/,
    ],
  ])('rejects %s with an error naming the field', (_name, mutate, expected) => {
    const json = valid();
    mutate(json);
    const err = errorOf(json);
    expect(err.message).toMatch(expected);
  });

  it('never echoes passwords in errors', () => {
    const json = valid();
    (json.tenants[0]!.users[0] as any).ext = '';
    expect(errorOf(json).message).not.toContain('s3cret');
  });
});
