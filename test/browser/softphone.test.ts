import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTool } from '../support/require-tool.js';
import { registerSippDevice, runUas } from '../support/sipp-devices.js';
import { waitForCdr } from '../support/store-inspect.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { launchChromium, phoneProfiles } from './chromium.js';
import { audioPacketsReceived, dtlsState, openSoftphone, textOf, waitForText } from './softphone-page.js';

const SEED = {
  tenants: [
    {
      id: 'acme',
      // The page's own hostname is its SIP domain by default: the tenant must answer for 127.0.0.1.
      domains: ['acme.test', '127.0.0.1'],
      users: [
        { ext: '4001', password: 'pw-4001-alice-browser', displayName: 'Alice' },
        { ext: '4002', password: 'pw-4002-bob-browser', displayName: 'Bob' },
        { ext: '4003', password: 'pw-4003-desk-phone', displayName: 'Desk phone' },
        { ext: '4004', password: 'pw-4004-forgetful' },
      ],
    },
  ],
};
const PASSWORD = Object.fromEntries(SEED.tenants[0].users.map((u) => [u.ext, u.password]));

/**
 * The web softphone (web-softphone/, built by Vite, served by the edge) in
 * headless Chromium: real JsSIP over the edge's WebSocket, real WebRTC audio
 * (DTLS-SRTP over ICE) between two pages, and a SIPp desk phone over UDP
 * (plain RTP, through the media bridge).
 */
describe.runIf(hasTool('chromium'))('web softphone in a real browser', () => {
  let stack: TestStack;
  let browser: Browser;
  const profiles = phoneProfiles(() => browser, () => `http://127.0.0.1:${stack.httpPort}`);
  const phoneContext = profiles.open;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startTestStack({ seed: SEED }), launchChromium()]);
  });
  afterAll(async () => {
    await profiles.closeAll();
    await browser?.close();
    await stack?.dispose();
  });

  it('two browsers call each other: both show connected, both receive audio over WebRTC; hang-up ends both and leaves a CDR', async () => {
    const alice = await openSoftphone(await phoneContext(), { user: '4001', password: PASSWORD['4001'], name: 'Alice' });
    const bob = await openSoftphone(await phoneContext(), { user: '4002', password: PASSWORD['4002'] });
    await waitForText(alice.page, 'registration-state', 'registered');
    await waitForText(bob.page, 'registration-state', 'registered');
    await waitForText(alice.page, 'call-state', 'idle');

    await alice.page.getByTestId('dial').fill('4002');
    await alice.page.getByTestId('call').click();
    await waitForText(alice.page, 'call-state', 'calling');
    await waitForText(bob.page, 'call-state', 'ringing');
    // The ring shows who calls: the caller's display name and number.
    expect(await textOf(bob.page, 'peer')).toBe('Alice · 4001');
    await bob.page.getByTestId('answer').click();
    await waitForText(alice.page, 'call-state', 'connected');
    await waitForText(bob.page, 'call-state', 'connected');

    // Audio both ways, encrypted: DTLS finished and RTP counted on each side.
    await expect.poll(() => audioPacketsReceived(alice.page), { timeout: 10_000, interval: 200 }).toBeGreaterThan(0);
    await expect.poll(() => audioPacketsReceived(bob.page), { timeout: 10_000, interval: 200 }).toBeGreaterThan(0);
    expect(await dtlsState(alice.page)).toBe('connected');
    expect(await dtlsState(bob.page)).toBe('connected');

    // Hold is a re-INVITE through the edge (a=sendonly, RFC 3264 §8.4): both ends show it; resume restores it.
    await alice.page.getByTestId('hold').click();
    await waitForText(alice.page, 'call-state', 'held');
    await waitForText(bob.page, 'call-state', 'held');
    await alice.page.getByTestId('hold').click();
    await waitForText(alice.page, 'call-state', 'connected');
    await waitForText(bob.page, 'call-state', 'connected');
    await alice.page.getByTestId('mute').click();
    expect(await alice.page.getByTestId('mute').getAttribute('aria-pressed')).toBe('true');

    await alice.page.getByTestId('hangup').click();
    await waitForText(alice.page, 'call-state', 'idle');
    await waitForText(bob.page, 'call-state', 'idle');
    const cdr = await waitForCdr(stack, 'acme', (c) => c.caller?.ext === '4001' && c.callee?.ext === '4002' && c.state === 'closed');
    expect(cdr).toMatchObject({ disposition: 'answered', hangupBy: 'caller' });
    // The browser keeps its own call history.
    expect(await textOf(bob.page, 'history')).toContain('Alice (4001)');
    expect([...alice.errors, ...bob.errors]).toEqual([]);
  }, 45_000);

  it('key tones go as RFC 4733 events in the audio or as SIP INFO; a blind transfer (REFER) hands the caller to a third phone', async () => {
    const alice = await openSoftphone(await phoneContext(), { user: '4001', password: PASSWORD['4001'], name: 'Alice' });
    const bob = await openSoftphone(await phoneContext(), { user: '4002', password: PASSWORD['4002'] });
    const carol = await openSoftphone(await phoneContext(), { user: '4003', password: PASSWORD['4003'] });
    for (const phone of [alice, bob, carol]) await waitForText(phone.page, 'registration-state', 'registered');
    await alice.page.getByTestId('dial').fill('4002');
    await alice.page.keyboard.press('Enter');
    await waitForText(bob.page, 'call-state', 'ringing');
    await bob.page.getByTestId('answer').click();
    await waitForText(alice.page, 'call-state', 'connected');

    // Default: the audio sender inserts telephone-events itself (RTCDTMFSender), nothing goes over SIP.
    expect(await alice.page.evaluate('window.__nimbus.pc.getSenders().some((s) => s.dtmf && s.dtmf.canInsertDTMF)')).toBe(true);
    await alice.page.getByTestId('key-1').click();
    // SIP INFO (application/dtmf-relay) through the edge when chosen.
    await alice.page.getByText('Audio devices').click();
    await alice.page.getByTestId('dtmf-mode').selectOption('info');
    await alice.page.getByTestId('key-4').click();
    await alice.page.getByTestId('key-hash').click();
    await bob.page.waitForFunction(`window.__nimbus.receivedDtmf === '4#'`, undefined, { timeout: 5_000 });

    // Bob sends Alice on to Carol and leaves the call.
    await bob.page.getByTestId('transfer').click();
    await bob.page.getByTestId('transfer-target').fill('4003');
    await bob.page.getByTestId('transfer-go').click();
    await waitForText(carol.page, 'call-state', 'ringing');
    await waitForText(bob.page, 'call-state', 'idle');
    await carol.page.getByTestId('answer').click();
    await waitForText(alice.page, 'call-state', 'connected');
    await waitForText(carol.page, 'call-state', 'connected');
    expect(await textOf(alice.page, 'peer')).toContain('4003');
    await carol.page.getByTestId('hangup').click();
    await waitForText(alice.page, 'call-state', 'idle');
    const cdr = await waitForCdr(stack, 'acme', (c) => c.caller?.ext === '4001' && c.callee?.ext === '4003' && c.state === 'closed');
    expect(cdr).toMatchObject({ disposition: 'answered', hangupBy: 'callee' });
    for (const phone of [alice, bob, carol]) await phone.page.close();
  }, 45_000);

  it.runIf(hasTool('sipp') && hasTool('rtpengine'))('?user=&password=&dial= registers and calls a SIPp desk phone over UDP; the signalling completes and hang-up sends BYE', async () => {
    const target = `127.0.0.1:${stack.sipPort}`;
    const desk = await registerSippDevice(target, { ext: '4003', password: PASSWORD['4003'], domain: '127.0.0.1' });
    // A plain-RTP desk phone (RTP/AVP): the edge's media bridge (media-bridge.test.ts) presents it to the browser.
    const uas = runUas(target, desk, 'uas-answer-plain-echo.xml', { ring: '0' });
    await new Promise((r) => setTimeout(r, 300));
    // The page asks before calling a number from its URL (softphone-security.test.ts declines); yes here.
    const alice = await openSoftphone(await phoneContext(), { user: '4001', password: PASSWORD['4001'], dial: '4003' }, { dialogs: 'accept' });
    await waitForText(alice.page, 'call-state', 'connected');
    expect(alice.dialogs).toEqual(['This link wants to call 4003. Place the call?']);
    // The password left the address bar once read.
    expect(alice.page.url()).not.toContain('password');
    await alice.page.getByTestId('hangup').click();
    await waitForText(alice.page, 'call-state', 'idle');
    const device = await uas;
    expect(device.code, device.stderr).toBe(0);
    // WebSocket caller ↔ UDP callee: the edge recorded a route on each side (RFC 5658).
    expect(device.log.match(/<sip:[^>]*>/g)?.length).toBe(2);
    const cdr = await waitForCdr(stack, 'acme', (c) => c.callee?.ext === '4003' && c.state === 'closed' && Boolean(c.answeredBy?.contact.includes(`:${desk.port}`)));
    expect(cdr).toMatchObject({ disposition: 'answered', hangupBy: 'caller', caller: { ext: '4001' } });
  }, 30_000);

  // Last: a wrong password counts towards fail-to-ban for 127.0.0.1.
  it('a wrong password shows "Wrong extension or password" and the phone does not register', async () => {
    const phone = await openSoftphone(await phoneContext(), { user: '4004', password: 'not-the-password' });
    await waitForText(phone.page, 'registration-error', 'Wrong extension or password');
    expect(await textOf(phone.page, 'registration-state')).not.toBe('registered');
    // Back on the sign-in form, the extension kept, so the user only retypes the password.
    expect(await phone.page.getByTestId('sign-in').isVisible()).toBe(true);
    expect(await phone.page.getByTestId('extension').inputValue()).toBe('4004');
  });

  // After the wrong-password test: this bans 127.0.0.1 on this stack (fail to ban, 5 failures a minute).
  it('signing in again and again with a wrong password ends in "This address is blocked (too many failed sign-ins)"', async () => {
    const phone = await openSoftphone(await phoneContext(), { user: '4004', password: 'still-not-the-password' });
    const seen: string[] = [];
    for (let attempt = 0; attempt < 8 && !seen.includes('This address is blocked (too many failed sign-ins)'); attempt++) {
      await phone.page.waitForFunction(`(document.querySelector('[data-testid="registration-error"]')?.textContent ?? '') !== ''`, undefined, { timeout: 10_000 });
      seen.push(await textOf(phone.page, 'registration-error'));
      await phone.page.getByTestId('sign-in-button').click();
    }
    expect(seen[0]).toBe('Wrong extension or password');
    expect(seen.at(-1)).toBe('This address is blocked (too many failed sign-ins)');
  });
});
