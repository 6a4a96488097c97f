/**
 * dynalite in this process on a random loopback port, with the PBX table and
 * a seed applied. `client`, `doc` and `stores` reach it in-process, as the
 * local stack's own clients do (edge/src/local-stack/embedded-store.ts);
 * `endpoint` is its HTTP port, for clients a test builds itself.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { applySeed } from '../../functions/src/seed/apply-seed.js';
import { parseSeed } from '../../functions/src/seed/seed-schema.js';
import { createStores, type Stores } from '../../functions/src/runtime/stores.js';
import { createDocumentClient, createDynamoClient } from '../../contracts/store/dynamo-client.js';
import { ensureTables } from '../../functions/src/store/ensure-table.js';
import { serveDynalite } from '../../edge/src/local-stack/embedded-store.js';

export const TEST_TABLE = 'nimbus-pbx-test';

export const TEST_SEED = parseSeed({
  tenants: [
    {
      id: 'acme',
      domains: ['acme.test', '127.0.0.1'],
      users: [
        { ext: '1001', password: 's3cret-1001', displayName: 'Alice' },
        { ext: '1002', password: 's3cret-1002', multiDevice: true, maxDevices: 3 },
      ],
    },
    { id: 'globex', domains: ['globex.test'], realm: 'Globex PBX', users: [{ ext: '1001', password: 'globex-pw-1001' }] },
  ],
});

export const PASSWORDS: Record<string, string> = {
  'acme/1001': 's3cret-1001',
  'acme/1002': 's3cret-1002',
  'globex/1001': 'globex-pw-1001',
};

export interface LocalDynamo {
  endpoint: string;
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  stores: Stores;
  close(): Promise<void>;
}

export async function startLocalDynamo(): Promise<LocalDynamo> {
  const store = await serveDynalite();
  const { endpoint } = store;
  const client = createDynamoClient({ inProcess: store.inProcess });
  const doc = createDocumentClient({ inProcess: store.inProcess });
  await ensureTables(client, TEST_TABLE);
  const stores = createStores(doc, TEST_TABLE);
  await applySeed({ directory: stores.directory }, TEST_SEED);
  return {
    endpoint,
    client,
    doc,
    stores,
    close: async () => {
      client.destroy();
      doc.destroy();
      await store.close();
    },
  };
}
