import { describe, expect, it, vi } from 'vitest';
import { applySeed } from '../../../functions/src/seed/apply-seed.js';
import { parseSeed, SeedError } from '../../../functions/src/seed/seed-schema.js';
import type { TrunkWriter } from '../../../functions/src/trunks/trunk-repository.js';
import { effectiveRegSameDialog } from '../../../functions/src/trunks/reg-same-dialog.js';
import { toTrunk } from '../../../functions/src/trunks/trunk-schema.js';

/** The trunk section of issue 3, verbatim. */
const issueSeed = () => ({
  tenants: [
    {
      id: 'acme',
      domains: ['acme.test'],
      users: [{ ext: '1001', password: 's3cret-1001' }],
      trunks: [
        {
          id: 'carrier1', kind: 'ip', host: '127.0.0.1', port: 5090, transport: 'udp',
          routes: [{ prefix: '9', strip: 1 }], dids: { '5551000': '1001' }, maxIncomingCalls: 2, maxOutgoingCalls: 2,
        },
        {
          id: 'line2', kind: 'register', host: '127.0.0.1', port: 5091, transport: 'udp',
          username: 'acct77', password: 'pw77', expires: 300, routes: [{ prefix: '8', strip: 1 }],
        },
      ] as Record<string, unknown>[],
      settings: { gVarSipRegSameDialog: 1 },
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

describe('seed: trunks and gVarSipRegSameDialog', () => {
  it('accepts the trunks of issue 3 and fills the documented defaults', () => {
    const seed = parseSeed(issueSeed());
    const [carrier, line] = seed.tenants[0]!.trunks;
    expect(carrier).toMatchObject({ id: 'carrier1', kind: 'ip', port: 5090, expires: 3600, callerId: 'from', routes: [{ prefix: '9', strip: 1, prepend: '' }] });
    expect(line).toMatchObject({ id: 'line2', kind: 'register', username: 'acct77', expires: 300, dids: {} });
    expect(seed.tenants[0]!.settings).toEqual({ gVarSipRegSameDialog: 1 });
  });

  it('defaults transport to udp, port to 5060, routes and dids to empty', () => {
    const json = issueSeed();
    json.tenants[0]!.trunks = [{ id: 'min', kind: 'ip', host: 'SIP.Carrier.test' }];
    const seeded = parseSeed(json).tenants[0]!.trunks[0]!;
    expect(seeded).toMatchObject({ host: 'sip.carrier.test', transport: 'udp', routes: [], dids: {}, expires: 3600 });
    expect(toTrunk('acme', seeded).port).toBe(5060);
  });

  it('transport tls: the port defaults to 5061 (RFC 3261 §19.1.2); realm is kept', () => {
    const json = issueSeed();
    json.tenants[0]!.trunks = [{ id: 'tls', kind: 'ip', host: 'sip.carrier.test', transport: 'tls', realm: 'voice.carrier.test' }];
    expect(toTrunk('acme', parseSeed(json).tenants[0]!.trunks[0]!)).toMatchObject({ port: 5061, transport: 'tls', realm: 'voice.carrier.test' });
  });

  it('accepts system.gVarSipRegSameDialog and leaves it unset when absent (readers default to 1)', () => {
    expect(parseSeed({ ...issueSeed(), system: { gVarSipRegSameDialog: 0 } }).system?.gVarSipRegSameDialog).toBe(0);
    expect(parseSeed(issueSeed()).system).toBeUndefined();
    expect(effectiveRegSameDialog({}, undefined, undefined)).toBe(1);
  });

  it.each<[string, (j: any) => void, RegExp]>([
    ['a register trunk without password', (j) => delete j.tenants[0].trunks[1].password, /tenants\[0\]\.trunks\[1\]\.password: required for kind "register"/],
    ['a register trunk without username', (j) => delete j.tenants[0].trunks[1].username, /tenants\[0\]\.trunks\[1\]\.username: required for kind "register"/],
    ['a duplicate trunk id', (j) => (j.tenants[0].trunks[1].id = 'carrier1'), /tenants\[0\]\.trunks\[1\]\.id: duplicate trunk id "carrier1" \(also trunks\[0\]\)/],
    ['a DID pointing at an unknown extension', (j) => (j.tenants[0].trunks[0].dids = { '5551001': '1999' }), /tenants\[0\]\.trunks\[0\]\.dids\.5551001: DID "5551001" points at unknown extension "1999"/],
    ['a negative limit', (j) => (j.tenants[0].trunks[0].maxOutgoingCalls = -1), /tenants\[0\]\.trunks\[0\]\.maxOutgoingCalls: /],
    ['a fractional limit', (j) => (j.tenants[0].trunks[0].maxTotalCalls = 1.5), /tenants\[0\]\.trunks\[0\]\.maxTotalCalls: /],
    ['an unknown kind', (j) => (j.tenants[0].trunks[0].kind = 'peer'), /tenants\[0\]\.trunks\[0\]\.kind: /],
    ['a port out of range', (j) => (j.tenants[0].trunks[0].port = 70000), /tenants\[0\]\.trunks\[0\]\.port: /],
    ['a transport the edge does not speak to carriers', (j) => (j.tenants[0].trunks[0].transport = 'sctp'), /tenants\[0\]\.trunks\[0\]\.transport: /],
    ['a trunk id with a #', (j) => (j.tenants[0].trunks[0].id = 'a#b'), /tenants\[0\]\.trunks\[0\]\.id: /],
    ['a route without prefix', (j) => delete j.tenants[0].trunks[0].routes[0].prefix, /tenants\[0\]\.trunks\[0\]\.routes\[0\]\.prefix: /],
    ['two IP trunks at one source', (j) => Object.assign(j.tenants[0].trunks[1], { kind: 'ip', port: 5090 }), /tenants\[0\]\.trunks\[1\]\.host: 127\.0\.0\.1:5090 is already the source of trunks\[0\]/],
    ['a tenant gVarSipRegSameDialog of 2', (j) => (j.tenants[0].settings.gVarSipRegSameDialog = 2), /tenants\[0\]\.settings\.gVarSipRegSameDialog: must be 0 or 1/],
    ['a system gVarSipRegSameDialog that is a string', (j) => (j.system = { gVarSipRegSameDialog: '1' }), /system\.gVarSipRegSameDialog: must be 0 or 1/],
  ])('rejects %s with an error naming the field', (_name, mutate, expected) => {
    const json = issueSeed();
    mutate(json);
    expect(errorOf(json).message).toMatch(expected);
  });

  it('never echoes a trunk password in errors', () => {
    const json = issueSeed();
    json.tenants[0]!.trunks[1]!.expires = -5;
    json.tenants[0]!.trunks[1]!.password = 12345;
    const message = errorOf(json).message;
    expect(message).toMatch(/trunks\[1\]\.password/);
    expect(message).not.toContain('12345');
    expect(message).not.toContain('pw77');
  });

  it('applies trunks in seed order with the tenant and system settings', async () => {
    const writer: TrunkWriter = { putTrunk: vi.fn(async () => {}), putTenantRegSameDialog: vi.fn(async () => {}), putSystemRegSameDialog: vi.fn(async () => {}) };
    const directory = { putTenant: vi.fn(async () => {}), putDomain: vi.fn(async () => {}), putUser: vi.fn(async () => {}) };
    const summary = await applySeed({ directory, trunks: writer }, parseSeed({ ...issueSeed(), system: { gVarSipRegSameDialog: 0 } }));
    expect(summary).toEqual({ tenants: 1, domains: 1, users: 1, trunks: 2 });
    expect(vi.mocked(writer.putTrunk).mock.calls.map(([t, order]) => [t.tenantId, t.id, order])).toEqual([
      ['acme', 'carrier1', 0],
      ['acme', 'line2', 1],
    ]);
    expect(vi.mocked(writer.putTrunk).mock.calls[1]![0]).toMatchObject({ password: 'pw77', username: 'acct77' });
    expect(writer.putTenantRegSameDialog).toHaveBeenCalledWith('acme', 1);
    expect(writer.putSystemRegSameDialog).toHaveBeenCalledWith(0);
  });

  it('applies no trunks without a trunk writer (summary as before)', async () => {
    const directory = { putTenant: vi.fn(async () => {}), putDomain: vi.fn(async () => {}), putUser: vi.fn(async () => {}) };
    expect(await applySeed({ directory }, parseSeed(issueSeed()))).toEqual({ tenants: 1, domains: 1, users: 1 });
  });
});
