/**
 * Writes a seed file (the format of `PBX_SEED`, see the README) into a
 * deployed table: tenants, domains, users, settings and trunks, as an idempotent upsert, the
 * same way `npm start` applies its seed. Uses the AWS credentials of the
 * shell.
 *   npx tsx infra/bin/seed-table.ts <seed.json> --table <TableName> [--endpoint <url>]
 * Without --endpoint it writes to DynamoDB in AWS_REGION; pass
 * http://localhost:4566 for LocalStack.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { StoreBootstrap } from '../../functions/src/seed/store-bootstrap.js';
import { loadSeedFile } from '../../functions/src/seed/load-seed-file.js';

export interface SeedTableOptions {
  seedFile: string;
  tableName: string;
  endpoint: string;
}

export async function seedTable(options: SeedTableOptions): Promise<void> {
  const seed = await loadSeedFile(options.seedFile);
  const store = new StoreBootstrap(options.endpoint, options.tableName);
  try {
    await store.prepare(seed);
  } finally {
    store.close();
  }
}

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const seedFile = process.argv[2];
  const tableName = argument('--table');
  const region = process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION;
  const endpoint = argument('--endpoint') ?? (region ? `https://dynamodb.${region}.amazonaws.com` : undefined);
  if (!seedFile || seedFile.startsWith('--') || !tableName || !endpoint) {
    console.error('usage: npx tsx infra/bin/seed-table.ts <seed.json> --table <TableName> [--endpoint <url>]   (AWS_REGION set when no endpoint)');
    process.exit(2);
  }
  seedTable({ seedFile, tableName, endpoint }).then(
    () => console.log(`seeded ${tableName} from ${seedFile}`),
    (err: unknown) => {
      console.error(`seed failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
