/**
 * Regenerates docs/softphone-idle.png and docs/softphone-call.png: builds the
 * softphone, starts the local stack on random ports with a throw-away store,
 * signs two browsers in and places a call between them.
 *
 *   npx tsx scripts/softphone-screenshots.ts
 *
 * Needs Debian's chromium (/usr/bin/chromium, or CHROMIUM_PATH).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadSettings } from '../contracts/settings/pbx-settings.js';
import { createLogger } from '../edge/src/logger.js';
import { startLocalStack } from '../edge/src/local-stack/start-local-stack.js';
import { buildSoftphone } from '../test/browser/build-softphone.js';
import { launchChromium, newPhoneContext } from '../test/browser/chromium.js';
import { openSoftphone, waitForText } from '../test/browser/softphone-page.js';

const DOCS = resolve(import.meta.dirname, '../docs');
const SEED = {
  tenants: [
    {
      id: 'demo',
      domains: ['127.0.0.1'],
      users: [
        { ext: '1001', password: 'screenshot-1001', displayName: 'Alice' },
        { ext: '1002', password: 'screenshot-1002', displayName: 'Bob' },
      ],
    },
  ],
};

async function main(): Promise<void> {
  buildSoftphone();
  const dataDir = await mkdtemp(join(tmpdir(), 'nimbus-screenshots-'));
  await writeFile(join(dataDir, 'seed.json'), JSON.stringify(SEED));
  const settings = loadSettings({ PBX_SIP_PORT: '0', PBX_HTTP_PORT: '0', PBX_TLS_PORT: '0', PBX_BIND: '127.0.0.1', PBX_DATA_DIR: dataDir, PBX_SEED: join(dataDir, 'seed.json') });
  const stack = await startLocalStack(settings, createLogger('silent'));
  const browser = await launchChromium();
  try {
    const origin = `http://127.0.0.1:${stack.httpPort}`;
    const alice = await openSoftphone(await newPhoneContext(browser, origin), { user: '1001', password: 'screenshot-1001', name: 'Alice' });
    const bob = await openSoftphone(await newPhoneContext(browser, origin), { user: '1002', password: 'screenshot-1002', name: 'Bob' });
    await waitForText(alice.page, 'registration-state', 'registered');
    await waitForText(bob.page, 'registration-state', 'registered');

    // A first short call, so the idle screen shows some history.
    await bob.page.getByTestId('dial').fill('1001');
    await bob.page.getByTestId('call').click();
    await waitForText(alice.page, 'call-state', 'ringing');
    await alice.page.getByTestId('answer').click();
    await waitForText(alice.page, 'call-state', 'connected');
    await new Promise((r) => setTimeout(r, 1200));
    await bob.page.getByTestId('hangup').click();
    await waitForText(alice.page, 'call-state', 'idle');

    await alice.page.getByTestId('dial').fill('1002');
    await alice.page.screenshot({ path: join(DOCS, 'softphone-idle.png'), fullPage: true });

    await alice.page.getByTestId('call').click();
    await waitForText(bob.page, 'call-state', 'ringing');
    await bob.page.getByTestId('answer').click();
    await waitForText(alice.page, 'call-state', 'connected');
    await new Promise((r) => setTimeout(r, 3200));
    await alice.page.getByTestId('dial').fill('');
    await alice.page.screenshot({ path: join(DOCS, 'softphone-call.png'), fullPage: true });
    await alice.page.getByTestId('hangup').click();
    await waitForText(bob.page, 'call-state', 'idle');
    console.log(`wrote ${join(DOCS, 'softphone-idle.png')} and ${join(DOCS, 'softphone-call.png')}`);
  } finally {
    await browser.close();
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

// The store client's keep-alive sockets would hold the process open for a while: leave once done.
main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
