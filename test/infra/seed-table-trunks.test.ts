/**
 * Seeding a table (infra/bin/seed-table.ts, the same StoreBootstrap `npm start`
 * uses) stores the seed's trunks and gVarSipRegSameDialog settings too.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTable } from '../../infra/bin/seed-table.js';
import { createDocumentClient } from '../../contracts/store/dynamo-client.js';
import { TrunkRepository } from '../../functions/src/trunks/trunk-repository.js';
import { startDynalite } from '../store-contract/backends.js';
import type { StoreBackend } from '../store-contract/store-contract.js';

const SEED = {
  system: { gVarSipRegSameDialog: 0 },
  tenants: [
    {
      id: 'acme',
      domains: ['acme.test'],
      users: [{ ext: '1001', password: 'pw-1001' }],
      settings: { gVarSipRegSameDialog: 1 },
      trunks: [
        { id: 'carrier', kind: 'ip', host: '192.0.2.1', dids: { '5551000': '1001' } },
        { id: 'line', kind: 'register', host: 'sip.carrier.test', username: 'acct', password: 'line-pw' },
      ],
    },
    { id: 'globex', domains: ['globex.test'], users: [{ ext: '2001', password: 'pw-2001' }], trunks: [{ id: 'g', kind: 'register', host: '192.0.2.7', username: 'g', password: 'g-pw' }] },
  ],
};

let store: StoreBackend;
let dir: string;

beforeAll(async () => {
  store = await startDynalite();
  dir = await mkdtemp(join(tmpdir(), 'nimbus-seed-trunks-'));
});

afterAll(async () => {
  await store?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('seed-table with trunks', () => {
  it('stores the trunks and the tenant and system gVarSipRegSameDialog', async () => {
    const seedFile = join(dir, 'seed.json');
    await writeFile(seedFile, JSON.stringify(SEED));
    await seedTable({ seedFile, tableName: 'nimbus-trunks', endpoint: store.endpoint });
    const doc = createDocumentClient({ endpoint: store.endpoint, env: {} });
    try {
      const trunks = new TrunkRepository(doc, 'nimbus-trunks');
      expect((await trunks.listTrunks('acme')).map((t) => t.id)).toEqual(['carrier', 'line']);
      expect(await trunks.getTrunk('acme', 'line')).toMatchObject({ kind: 'register', username: 'acct', password: 'line-pw' });
      expect(await trunks.getRegSameDialog({ tenantId: 'acme' })).toBe(1); // the tenant's setting
      expect(await trunks.getRegSameDialog({ tenantId: 'globex' })).toBe(0); // the system's
    } finally {
      doc.destroy();
    }
  });
});
