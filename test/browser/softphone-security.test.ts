import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { hasTool } from '../support/require-tool.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { launchChromium, phoneProfiles } from './chromium.js';
import { openSoftphone, waitForText, type SoftphonePage } from './softphone-page.js';

// The tenant's realm is its first domain (acme.test), not the page's SIP domain (127.0.0.1):
// the HA1 the page keeps must be made for the realm the PBX challenges with.
const SEED = {
  tenants: [
    {
      id: 'acme',
      domains: ['acme.test', '127.0.0.1'],
      users: [
        { ext: '4101', password: 'pw-4101-remembered' },
        { ext: '4102', password: 'pw-4102-callee' },
      ],
    },
  ],
};
const PASSWORD = Object.fromEntries(SEED.tenants[0].users.map((u) => [u.ext, u.password]));
const STORAGE_KEY = 'nimbus.softphone.signin';
const md5 = (text: string) => createHash('md5').update(text).digest('hex');

/**
 * What a link can make the softphone do: ?server= must not carry remembered
 * credentials elsewhere without a yes, ?dial= must not place a call without
 * one, and Remember me keeps the digest HA1, never the password.
 */
describe.runIf(hasTool('chromium'))('web softphone: links and remembered sign-ins', () => {
  let stack: TestStack;
  let browser: Browser;
  /** Another SIP-over-WebSocket server, as a link could name: it only counts who connects. */
  let other: WebSocketServer;
  const connectionsToOther: string[] = [];
  const profiles = phoneProfiles(() => browser, () => `http://127.0.0.1:${stack.httpPort}`);
  const phoneContext = profiles.open;
  const otherServer = () => `ws://127.0.0.1:${(other.address() as AddressInfo).port}/ws`;
  const stored = (phone: SoftphonePage) => phone.page.evaluate(`localStorage.getItem(${JSON.stringify(STORAGE_KEY)})`) as Promise<string | null>;
  /** Signs 4101 in through the form with Remember me ticked, in a fresh profile. */
  const rememberedProfile = async () => {
    const context = await phoneContext();
    const phone = await openSoftphone(context, {});
    await phone.page.getByTestId('extension').fill('4101');
    await phone.page.getByTestId('password').fill(PASSWORD['4101']);
    await phone.page.getByTestId('remember').check();
    await phone.page.getByTestId('sign-in-button').click();
    await waitForText(phone.page, 'registration-state', 'registered');
    return { context, phone };
  };

  beforeAll(async () => {
    other = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: () => 'sip' });
    other.on('connection', (_socket, request) => connectionsToOther.push(request.url ?? ''));
    [stack, browser] = await Promise.all([startTestStack({ seed: SEED }), launchChromium()]);
  });
  afterAll(async () => {
    await profiles.closeAll();
    await browser?.close();
    await stack?.dispose();
    await new Promise((r) => other?.close(r));
  });

  it('Remember me keeps the digest HA1 for the realm the PBX challenged with, never the password; after a reload the HA1 registers', async () => {
    const { context, phone } = await rememberedProfile();
    await expect.poll(() => stored(phone), { timeout: 5_000 }).toContain('ha1');
    const raw = (await stored(phone)) ?? '';
    expect(raw).not.toContain(PASSWORD['4101']);
    const kept = JSON.parse(raw) as Record<string, unknown>;
    expect(kept).not.toHaveProperty('password');
    expect(kept).toMatchObject({ extension: '4101', domain: '127.0.0.1', realm: 'acme.test', ha1: md5(`4101:acme.test:${PASSWORD['4101']}`) });
    // Nothing else in the profile's storage holds the password either.
    const everything = (await phone.page.evaluate('JSON.stringify({ ...localStorage })')) as string;
    expect(everything).not.toContain(PASSWORD['4101']);
    await phone.page.close();

    // A reload signs in from the HA1 alone, against the real edge.
    const again = await openSoftphone(context, {});
    await waitForText(again.page, 'registration-state', 'registered');
    expect(again.sent.filter((line) => line.startsWith('REGISTER')).length).toBeGreaterThan(1);
    expect(await again.page.getByTestId('password').inputValue()).toBe('');
    expect(await again.page.evaluate(`window.__nimbus.ua.get("ha1")`)).toBe(md5(`4101:acme.test:${PASSWORD['4101']}`));
    expect(again.errors).toEqual([]);
    await again.page.close();
  }, 30_000);

  it('?server= naming another server than the remembered one asks first; no keeps the remembered server and nothing reaches the other', async () => {
    const { context, phone } = await rememberedProfile();
    await phone.page.close();
    const before = connectionsToOther.length;

    const declined = await openSoftphone(context, { server: otherServer() }, { dialogs: 'dismiss' });
    await waitForText(declined.page, 'registration-state', 'registered');
    expect(declined.dialogs).toHaveLength(1);
    expect(declined.dialogs[0]).toContain(otherServer());
    expect(declined.sockets).toEqual([`ws://127.0.0.1:${stack.httpPort}/ws`]);
    await new Promise((r) => setTimeout(r, 500));
    expect(connectionsToOther.length).toBe(before);
    await declined.page.close();

    // Yes is the user's choice: then the page goes there.
    const accepted = await openSoftphone(context, { server: otherServer() }, { dialogs: 'accept' });
    await expect.poll(() => connectionsToOther.length, { timeout: 5_000 }).toBe(before + 1);
    expect(accepted.dialogs).toHaveLength(1);
    await accepted.page.close();
  }, 30_000);

  it('?dial= asks before calling; no means no INVITE leaves the page', async () => {
    const callee = await openSoftphone(await phoneContext(), { user: '4102', password: PASSWORD['4102'] });
    await waitForText(callee.page, 'registration-state', 'registered');
    const caller = await openSoftphone(await phoneContext(), { user: '4101', password: PASSWORD['4101'], dial: '4102' }, { dialogs: 'dismiss' });
    await waitForText(caller.page, 'registration-state', 'registered');
    await new Promise((r) => setTimeout(r, 1_000));
    expect(caller.dialogs).toEqual(['This link wants to call 4102. Place the call?']);
    expect(caller.sent.filter((line) => line.startsWith('INVITE'))).toEqual([]);
    await waitForText(caller.page, 'call-state', 'idle');
    await waitForText(callee.page, 'call-state', 'idle');
    await caller.page.close();
    await callee.page.close();
  }, 30_000);
});
