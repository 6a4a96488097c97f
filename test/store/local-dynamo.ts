/** dynalite in this process on a random loopback port, with the PBX table and a seed applied. */
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { applySeed } from '../../functions/src/seed/apply-seed.js';
import { parseSeed } from '../../functions/src/seed/seed-schema.js';
import { createStores, type Stores } from '../../functions/src/runtime/stores.js';
import { createDocumentClient, createDynamoClient } from '../../contracts/store/dynamo-client.js';
import { ensureTables } from '../../functions/src/store/ensure-table.js';

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
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  // `env: {}`: dummy credentials whatever the developer's shell holds.
  const client = createDynamoClient({ endpoint, env: {} });
  const doc = createDocumentClient({ endpoint, env: {} });
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
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
