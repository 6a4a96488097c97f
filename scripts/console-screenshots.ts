/**
 * Regenerates docs/admin-console-users.png and docs/admin-console-devices.png:
 * builds the admin console, starts the local stack on random ports with a
 * throw-away store, registers two SIPp phones and signs the console in.
 *
 *   npx tsx scripts/console-screenshots.ts
 *
 * Needs Debian's chromium (/usr/bin/chromium, or CHROMIUM_PATH) and sipp.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadSettings } from '../contracts/settings/pbx-settings.js';
import { createLogger } from '../edge/src/logger.js';
import { startLocalStack } from '../edge/src/local-stack/start-local-stack.js';
import { buildAdminConsole } from '../test/browser/build-admin-console.js';
import { launchChromium } from '../test/browser/chromium.js';
import { registerSippDevice } from '../test/support/sipp-devices.js';

const DOCS = resolve(import.meta.dirname, '../docs');
const SEED = {
  tenants: [
    {
      id: 'demo',
      domains: ['demo.nimbus.local', '127.0.0.1'],
      users: [
        { ext: '1001', password: 'screenshot-1001', displayName: 'Alice' },
        { ext: '1002', password: 'screenshot-1002', displayName: 'Bob', multiDevice: true, maxDevices: 3 },
        { ext: '1003', password: 'screenshot-1003', displayName: 'Carol', maxCalls: 2 },
      ],
    },
  ],
};

async function main(): Promise<void> {
  buildAdminConsole();
  const dataDir = await mkdtemp(join(tmpdir(), 'nimbus-screenshots-'));
  await writeFile(join(dataDir, 'seed.json'), JSON.stringify(SEED));
  const settings = loadSettings({ PBX_SIP_PORT: '0', PBX_HTTP_PORT: '0', PBX_TLS_PORT: '0', PBX_BIND: '127.0.0.1', PBX_DATA_DIR: dataDir, PBX_SEED: join(dataDir, 'seed.json') });
  const stack = await startLocalStack(settings, createLogger('silent'));
  const browser = await launchChromium();
  try {
    const target = `127.0.0.1:${stack.sipPort}`;
    await registerSippDevice(target, { ext: '1001', password: 'screenshot-1001', domain: '127.0.0.1' });
    await registerSippDevice(target, { ext: '1002', password: 'screenshot-1002', domain: '127.0.0.1' }, 'tcp');
    const page = await (await browser.newContext({ baseURL: `http://127.0.0.1:${stack.httpPort}`, viewport: { width: 1200, height: 520 } })).newPage();
    await page.goto('/admin/');
    await page.getByTestId('token').fill(stack.adminToken.token);
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('users').waitFor();
    await page.screenshot({ path: join(DOCS, 'admin-console-users.png') });
    await page.getByTestId('tab-devices').click();
    await page.getByTestId('devices').waitFor();
    await page.screenshot({ path: join(DOCS, 'admin-console-devices.png') });
  } finally {
    await browser.close();
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
