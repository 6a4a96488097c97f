import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTable } from '../../infra/bin/seed-table.js';
import { DEMO_SEED_FILE } from '../../edge/src/local-stack/start-local-stack.js';
import { DirectoryRepository } from '../../functions/src/directory/directory-repository.js';
import { createDocumentClient } from '../../contracts/store/dynamo-client.js';
import { startDynalite } from '../store-contract/backends.js';
import type { StoreBackend } from '../store-contract/store-contract.js';

let store: StoreBackend;

beforeAll(async () => {
  store = await startDynalite();
});

afterAll(async () => {
  await store?.close();
});

describe('seed-table (seeding a deployed table)', () => {
  it('writes the tenants and users of a seed file, and writing it again changes nothing', async () => {
    await seedTable({ seedFile: DEMO_SEED_FILE, tableName: 'nimbus-deployed', endpoint: store.endpoint });
    await seedTable({ seedFile: DEMO_SEED_FILE, tableName: 'nimbus-deployed', endpoint: store.endpoint });
    const doc = createDocumentClient({ endpoint: store.endpoint, env: {} });
    const directory = new DirectoryRepository(doc, 'nimbus-deployed');
    const tenant = await directory.findTenantByDomain('demo.nimbus.local');
    expect(tenant?.id).toBe('demo');
    expect((await directory.getUser('demo', '1001'))?.ext).toBe('1001');
    doc.destroy();
  });
});
