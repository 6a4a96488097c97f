/**
 * `npm run bans -- list [--all] [--json]` / `npm run bans -- lift <address> [--by <name>]`
 *
 * The admin's fail-to-ban commands against a running PBX's store, until the
 * admin HTTP API offers the same (both call ban-admin.ts). The store is, in
 * order: --endpoint <url>, PBX_DYNAMODB_ENDPOINT, the local stack's embedded
 * store (the address `npm start` writes to <PBX_DATA_DIR>/store-endpoint),
 * else DynamoDB in AWS_REGION. The table is PBX_TABLE_NAME (nimbus-pbx).
 *
 * Lifting publishes ban.lifted (EventBridge when PBX_EVENT_BUS_NAME is set;
 * no process of a local stack listens to this one's bus): every edge drops
 * the ban at its next poll of the store (PBX_BAN_POLL_SECONDS).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadSettings, type PbxSettings } from '../../../contracts/settings/pbx-settings.js';
import { busFor } from '../runtime/functions-runtime.js';
import { createDocumentClient } from '../../../contracts/store/dynamo-client.js';
import { liftBan, listBans, type BanView } from './ban-admin.js';
import { BanRepository } from './ban-repository.js';

const USAGE = `usage: npm run bans -- list [--all] [--json]
       npm run bans -- lift <address> [--by <name>]
options: --endpoint <url>  the store (default: PBX_DYNAMODB_ENDPOINT, else the local stack's in PBX_DATA_DIR)`;

async function storeEndpoint(flag: string | undefined, settings: PbxSettings): Promise<string | undefined> {
  if (flag) return flag;
  if (settings.store.dynamoEndpoint) return settings.store.dynamoEndpoint;
  const file = join(settings.edge.dataDir, 'store-endpoint');
  try {
    return (await readFile(file, 'utf8')).trim() || undefined;
  } catch {
    return undefined; // no local stack: AWS
  }
}

function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

function printTable(bans: BanView[], now: number): void {
  if (bans.length === 0) {
    console.log('no bans');
    return;
  }
  const rows = bans.map((b) => [
    b.address,
    new Date(b.since).toISOString(),
    new Date(b.until).toISOString(),
    b.active ? formatDuration(b.until - now) : 'expired',
    String(b.failures),
    [b.reason, b.username !== undefined ? `(last user ${b.username}${b.tenantId ? `@${b.tenantId}` : ''})` : ''].join(' ').trim(),
  ]);
  const header = ['ADDRESS', 'SINCE', 'UNTIL', 'LEFT', 'FAILURES', 'REASON'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const row of [header, ...rows]) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      endpoint: { type: 'string' },
      all: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      by: { type: 'string', default: 'cli' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, address] = positionals;
  if (values.help || (command !== 'list' && command !== 'lift') || (command === 'lift' && !address)) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const settings = loadSettings(process.env);
  const endpoint = await storeEndpoint(values.endpoint, settings);
  const doc = createDocumentClient({ region: settings.store.region, ...(endpoint ? { endpoint } : {}) });
  const deps = { bans: new BanRepository(doc, settings.store.tableName), bus: busFor(settings.bus), now: () => Date.now() };
  try {
    if (command === 'list') {
      const bans = await listBans(deps, { includeExpired: values.all });
      if (values.json) console.log(JSON.stringify(bans, null, 2));
      else printTable(bans, deps.now());
      return 0;
    }
    const result = await liftBan(deps, address!, values.by);
    if (!result.lifted) {
      console.log(`${address} is not banned`);
      return 1;
    }
    console.log(`lifted the ban of ${result.ban.address} (it would have ended ${new Date(result.ban.until).toISOString()})`);
    return 0;
  } finally {
    doc.destroy();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`bans: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
