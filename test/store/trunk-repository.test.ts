/**
 * Trunks seeded into a real DynamoDB API (dynalite) and read back the ways
 * the edge needs them: per tenant in seed order, every registering trunk
 * across tenants, an IP trunk by its source address, and the effective
 * gVarSipRegSameDialog.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applySeed } from '../../functions/src/seed/apply-seed.js';
import { parseSeed } from '../../functions/src/seed/seed-schema.js';
import { TrunkRepository } from '../../functions/src/trunks/trunk-repository.js';
import { startLocalDynamo, TEST_TABLE, type LocalDynamo } from './local-dynamo.js';

const SEED = parseSeed({
  system: { gVarSipRegSameDialog: 0 },
  tenants: [
    {
      id: 'acme',
      domains: ['acme.test'],
      users: [{ ext: '1001', password: 'pw-1001' }],
      trunks: [
        {
          id: 'carrier1', kind: 'ip', host: '127.0.0.1', port: 5090, transport: 'udp',
          routes: [{ prefix: '9', strip: 1 }], dids: { '5551000': '1001' }, maxIncomingCalls: 2, maxOutgoingCalls: 2,
        },
        {
          id: 'line2', kind: 'register', host: '127.0.0.1', port: 5091, transport: 'udp', username: 'acct77', password: 'pw77', expires: 300,
          routes: [{ prefix: '8', strip: 1 }],
        },
        { id: 'a-backup', kind: 'register', host: 'sip.carrier.test', username: 'acct78', password: 'pw78', regSameDialog: 0 },
      ],
      settings: { gVarSipRegSameDialog: 1 },
    },
    {
      id: 'globex',
      domains: ['globex.test'],
      users: [{ ext: '2001', password: 'pw-2001' }],
      trunks: [
        { id: 'shared', kind: 'ip', host: '127.0.0.1', port: 5090, dids: { '5552000': '2001' } },
        { id: 'gline', kind: 'register', host: '192.0.2.10', username: 'g1', password: 'gpw' },
      ],
    },
  ],
});

let db: LocalDynamo;
let trunks: TrunkRepository;

beforeAll(async () => {
  db = await startLocalDynamo();
  trunks = new TrunkRepository(db.doc, TEST_TABLE);
  const summary = await applySeed({ directory: db.stores.directory, trunks }, SEED);
  expect(summary.trunks).toBe(5);
});

afterAll(async () => {
  await db?.close();
});

describe('trunk repository (dynalite)', () => {
  it('lists the trunks of a tenant in seed order with defaults filled and the password kept', async () => {
    const list = await trunks.listTrunks('acme');
    expect(list.map((t) => t.id)).toEqual(['carrier1', 'line2', 'a-backup']);
    expect(list[0]).toEqual({
      tenantId: 'acme', id: 'carrier1', kind: 'ip', host: '127.0.0.1', port: 5090, transport: 'udp', expires: 3600, callerId: 'from',
      routes: [{ prefix: '9', strip: 1, prepend: '' }], dids: { '5551000': '1001' }, maxIncomingCalls: 2, maxOutgoingCalls: 2,
    });
    expect(await trunks.getTrunk('acme', 'line2')).toMatchObject({ kind: 'register', username: 'acct77', password: 'pw77', expires: 300, port: 5091 });
    expect(await trunks.getTrunk('acme', 'nope')).toBeUndefined();
  });

  it('lists every registering trunk across tenants with one index query', async () => {
    const list = await trunks.listRegisteringTrunks();
    expect(list.map((t) => `${t.tenantId}/${t.id}`)).toEqual(['acme/a-backup', 'acme/line2', 'globex/gline']);
    expect(list.every((t) => t.kind === 'register')).toBe(true);
  });

  it('recognises an IP trunk by source address and port; a carrier shared by tenants is told apart by the DID', async () => {
    expect(await trunks.findTrunkBySource('127.0.0.1', 5091)).toBeUndefined(); // line2 registers: not IP-trusted
    expect(await trunks.findTrunkBySource('127.0.0.2', 5090)).toBeUndefined();
    expect((await trunks.findTrunksBySource('127.0.0.1', 5090)).map((t) => t.id).sort()).toEqual(['carrier1', 'shared']);
    expect(await trunks.findTrunkBySource('127.0.0.1', 5090)).toBeUndefined(); // ambiguous without the called number
    expect(await trunks.findTrunkBySource('127.0.0.1', 5090, '5551000')).toMatchObject({ tenantId: 'acme', id: 'carrier1' });
    expect(await trunks.findTrunkBySource('127.0.0.1', 5090, '5552000')).toMatchObject({ tenantId: 'globex', id: 'shared' });
  });

  it('resolves gVarSipRegSameDialog from the trunk, then the tenant, then the system', async () => {
    const get = async (tenantId: string, id: string) => trunks.getRegSameDialog((await trunks.getTrunk(tenantId, id))!);
    expect(await get('acme', 'a-backup')).toBe(0); // trunk override
    expect(await get('acme', 'line2')).toBe(1); // tenant settings
    expect(await get('globex', 'gline')).toBe(0); // system
  });

  it('falls back to 1 (RFC 3261 behaviour) when nothing is set', async () => {
    const fresh = await startLocalDynamo();
    try {
      const repo = new TrunkRepository(fresh.doc, TEST_TABLE);
      expect(await repo.getRegSameDialog({ tenantId: 'acme' })).toBe(1);
    } finally {
      await fresh.close();
    }
  });

  it('keeps the fail-to-ban settings when the system value is written next to them', async () => {
    await db.stores.systemSettings.putF2bSettings({ enabled: true, maxFailures: 9, windowSeconds: 60, banSeconds: 60, whitelist: [] });
    await trunks.putSystemRegSameDialog(1);
    expect((await db.stores.systemSettings.getF2bSettings()).maxFailures).toBe(9);
    expect(await trunks.getRegSameDialog({ tenantId: 'globex' })).toBe(1);
  });
});
