import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { hasTool } from '../support/require-tool.js';
import { runSipp, type SippResult } from '../support/sipp.js';
import { registerSippDevice, runUas } from '../support/sipp-devices.js';
import { startTestStack, TEST_SEED, type TestStack } from '../support/test-stack.js';
import { waitUntilUdpBound } from '../trunks/udp-port-probe.js';
import { rowControl, rowKeys, rowText, statusText, waitForRows } from './admin-console-page.js';
import { launchChromium } from './chromium.js';

const [acme] = TEST_SEED.tenants;
const password = (ext: string) => acme.users.find((u) => u.ext === ext)!.password;
/** The heading each view shows (web-admin/src/views). */
const TITLES: Record<string, string> = { users: 'Users', devices: 'Devices online', calls: 'Active calls', trunks: 'Trunks', bans: 'Bans', reports: 'Reports' };

/**
 * The admin console (web-admin/, built by Vite, served at /admin/ by the
 * running local stack) in headless Chromium, with SIPp phones and a SIPp
 * carrier registrar: sign in with the admin token, add a user in the page,
 * register it with SIPp and see it online, edit it, reset its password (the
 * new one registers, the old one no longer), delete it; see a call while it
 * lasts, the trunks with usage and line status, ban and unban, and the
 * report charts.
 */
describe.runIf(hasTool('chromium') && hasTool('sipp'))('admin console in a real browser', () => {
  let stack: TestStack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let registrar: Promise<SippResult>;
  const sipTarget = () => `127.0.0.1:${stack.sipPort}`;
  const register = (ext: string, pw: string) =>
    runSipp({ scenario: 'register-auth.xml', transport: 'udp', target: sipTarget(), service: ext, authUser: ext, password: pw, vars: { domain: '127.0.0.1', expires: '300' }, timeoutSeconds: 5 });
  const tab = async (id: string) => {
    await page.getByTestId(`tab-${id}`).click();
    await page.locator('[data-testid="view"] h2').filter({ hasText: TITLES[id] }).waitFor();
  };

  beforeAll(async () => {
    const carrierPort = await freePort();
    const registrarPort = await freePort();
    registrar = runSipp({
      scenario: 'registrar-challenge.xml', transport: 'udp', target: '127.0.0.1:5060', service: 'carrier', localPort: registrarPort,
      calls: 10, timeoutSeconds: 15, template: { realm: 'carrier.test', algorithm: 'MD5', expires: '300' },
    });
    await waitUntilUdpBound(registrarPort);
    stack = await startTestStack({
      seed: {
        tenants: [
          {
            ...acme,
            trunks: [
              { id: 'carrier1', kind: 'ip', host: '127.0.0.1', port: carrierPort, transport: 'udp', routes: [{ prefix: '9', strip: 1 }], maxOutgoingCalls: 4 },
              {
                id: 'line2', kind: 'register', host: '127.0.0.1', port: registrarPort, transport: 'udp',
                username: 'acct77', password: 'pw77', domain: 'carrier.test', expires: 300, routes: [{ prefix: '8', strip: 1 }],
              },
            ],
          },
        ],
      },
    });
    browser = await launchChromium();
    context = await browser.newContext({ baseURL: `http://127.0.0.1:${stack.httpPort}`, viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    // The only dialog is "Delete …?": the admin says yes.
    page.on('dialog', (dialog) => void dialog.accept());
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await stack?.trunkLines.stop({ unregister: false });
    await stack?.dispose();
  });

  it('refuses a wrong token with the API’s answer, then signs in with the admin token and lists the users', async () => {
    await page.goto('/admin');
    expect(new URL(page.url()).pathname).toBe('/admin/');
    expect(await page.getByTestId('sign-out').isVisible()).toBe(false);
    await page.getByTestId('token').fill('not-the-admin-token-at-all');
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('status').filter({ hasText: /^Sign-in failed: 401: / }).waitFor();
    await page.getByTestId('token').fill(stack.adminToken.token);
    await page.getByTestId('sign-in-submit').click();
    expect(await waitForRows(page, 'users', (k) => k.length === 3, 'the three users')).toEqual(['1001', '1002', '1003']);
    expect(await rowText(page, 'users', '1001')).toContain('Alice');
    expect(await page.getByTestId('tenant').inputValue()).toBe('acme');
    expect(await page.getByTestId('sign-in').isVisible()).toBe(false);
  });

  it('adds a user in the page; SIPp registers it with that password and the page shows it online', async () => {
    await page.getByTestId('new-ext').fill('1077');
    await page.getByTestId('new-password').fill('pw-1077-from-the-console');
    await page.getByTestId('new-display-name').fill('Zoe');
    await page.getByTestId('add-user-submit').click();
    await waitForRows(page, 'users', (k) => k.includes('1077'), 'the new user');
    expect(await rowText(page, 'users', '1077')).toContain('Zoe');

    const phone = await register('1077', 'pw-1077-from-the-console');
    expect(phone.code, phone.stderr).toBe(0);
    await tab('devices');
    const [device] = await waitForRows(page, 'devices', (k) => k.some((key) => key.startsWith('1077 ')), 'a device of 1077');
    const shown = await rowText(page, 'devices', (await rowKeys(page, 'devices')).find((k) => k.startsWith('1077 ')) ?? device!);
    expect(shown).toMatch(/^1077 UDP 127\.0\.0\.1:\d+ sip:1077@/);
  });

  it('edits the user and resets its password: the new one registers, the old one is refused', async () => {
    await tab('users');
    await rowControl(page, 'users', '1077', 'edit').click();
    await page.getByTestId('edit-display-name').fill('Zoe Q');
    await page.getByTestId('edit-max-calls').fill('2');
    await page.getByTestId('edit-user-submit').click();
    await page.locator('[data-testid="users-row"][data-key="1077"]').filter({ hasText: 'Zoe Q' }).waitFor();
    expect(await rowText(page, 'users', '1077')).toMatch(/Zoe Q .* 2 /);

    await rowControl(page, 'users', '1077', 'reset').click();
    await page.getByTestId('reset-password-submit').click();
    await page.getByTestId('reset-password-result').filter({ hasText: /^New password of 1077: / }).waitFor();
    const newPassword = ((await page.getByTestId('reset-password-result').textContent()) ?? '').replace('New password of 1077: ', '').trim();
    expect(newPassword.length).toBeGreaterThanOrEqual(20);
    expect((await register('1077', 'pw-1077-from-the-console')).code).not.toBe(0);
    expect((await register('1077', newPassword)).code).toBe(0);
  });

  it('deletes the user: gone from the users and from the devices online', async () => {
    await rowControl(page, 'users', '1077', 'delete').click();
    await waitForRows(page, 'users', (k) => !k.includes('1077'), 'without 1077');
    expect(await statusText(page)).toBe('deleted 1077');
    await tab('devices');
    await page.locator('[data-testid="devices"], [data-testid="devices-empty"]').first().waitFor();
    expect((await rowKeys(page, 'devices')).filter((k) => k.startsWith('1077 '))).toEqual([]);
  });

  it('shows a call while it lasts, answered, and no call once it is over', async () => {
    await tab('calls');
    await page.getByTestId('calls-empty').waitFor();
    const callee = await registerSippDevice(sipTarget(), { ext: '1002', password: password('1002'), domain: '127.0.0.1' });
    const uas = runUas(sipTarget(), callee, 'uas-answer.xml');
    await page.waitForTimeout(400);
    const caller = runSipp({
      scenario: 'uac-call.xml', transport: 'udp', target: sipTarget(), service: '1002', authUser: '1001', password: password('1001'),
      vars: { domain: '127.0.0.1', caller: '1001', talk: '4000' }, timeoutSeconds: 20,
    });
    const [callId] = await waitForRows(page, 'calls', (k) => k.length === 1, 'one call');
    await page.locator('[data-testid="calls-row"]').filter({ hasText: 'answered' }).waitFor();
    expect(await rowText(page, 'calls', callId!)).toMatch(/^1001 \(Alice\) 1002 internal answered/);
    expect((await caller).code).toBe(0);
    expect((await uas).code).toBe(0);
    await page.getByTestId('calls-empty').waitFor();
  });

  it('shows the trunks with calls in use against their limits and the line status', async () => {
    await tab('trunks');
    await waitForRows(page, 'trunks', (k) => k.length === 2, 'two trunks');
    expect(await rowText(page, 'trunks', 'carrier1')).toMatch(/carrier1 IP-trusted 127\.0\.0\.1:\d+ UDP 9 — 0 \/ ∞ 0 \/ 4 by address/);
    // The edge registered line2 at the SIPp registrar; the page shows the status it reported.
    await page.reload();
    await waitForRows(page, 'trunks', (k) => k.length === 2, 'two trunks');
    expect(await rowText(page, 'trunks', 'line2')).toMatch(/line2 registers as acct77 .* online/);
    expect((await registrar).code).toBe(97);
  });

  it('bans an address and lifts the ban', async () => {
    await tab('bans');
    await page.getByTestId('bans-empty').waitFor();
    await page.getByTestId('ban-address').fill('192.0.2.55');
    await page.getByTestId('ban-reason').fill('seen scanning');
    await page.getByTestId('add-ban-submit').click();
    await waitForRows(page, 'bans', (k) => k.includes('192.0.2.55'), 'the ban');
    expect(await rowText(page, 'bans', '192.0.2.55')).toContain('seen scanning');
    expect((await fetch(`http://127.0.0.1:${stack.httpPort}/api/v1/bans`, { headers: { authorization: `Bearer ${stack.adminToken.token}` } }).then((r) => r.json())) as unknown).toMatchObject({ bans: [{ address: '192.0.2.55' }] });
    await rowControl(page, 'bans', '192.0.2.55', 'lift').click();
    await page.getByTestId('bans-empty').waitFor();
  });

  it('draws the report charts of today from the hourly rollup', async () => {
    const hour = new Date().toISOString().slice(0, 13);
    const rolled = await fetch(`http://127.0.0.1:${stack.httpPort}/api/v1/tenants/acme/reports/rollup`, {
      method: 'POST', headers: { authorization: `Bearer ${stack.adminToken.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ hour }),
    });
    expect(rolled.status).toBe(200);
    await tab('reports');
    await page.getByTestId('calls-chart').waitFor();
    const h = new Date().getUTCHours();
    const bar = (series: string) => page.locator(`[data-testid="calls-chart"] rect[data-hour="${h}"][data-series="${series}"]`).getAttribute('data-value');
    expect(Number(await bar('attempted'))).toBeGreaterThanOrEqual(1);
    expect(Number(await bar('answered'))).toBeGreaterThanOrEqual(1);
    const online = await page.locator(`[data-testid="users-chart"] rect[data-hour="${h}"][data-series="users online"]`).getAttribute('data-value');
    expect(Number(online)).toBeGreaterThanOrEqual(1);
    expect(await page.getByTestId('report-row').count()).toBeGreaterThanOrEqual(1);
  });
});
