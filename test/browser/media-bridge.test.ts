import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RtpengineNg } from '../../edge/src/media/rtpengine-ng.js';
import { freePort } from '../support/free-port.js';
import { hasTool } from '../support/require-tool.js';
import { registerSippDevice } from '../support/sipp-devices.js';
import { runSipp } from '../support/sipp.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { launchChromium, phoneProfiles } from './chromium.js';
import { audioEnergyReceived, audioPacketsReceived, dtlsState, openSoftphone, remoteMedia, waitForText } from './softphone-page.js';

const SEED = {
  tenants: [
    {
      id: 'acme',
      domains: ['acme.test', '127.0.0.1'],
      users: [
        { ext: '5001', password: 'pw-5001-browser-alice' },
        { ext: '5002', password: 'pw-5002-browser-bob' },
        { ext: '5003', password: 'pw-5003-desk-phone' },
      ],
    },
  ],
};
const PASSWORD = Object.fromEntries(SEED.tenants[0].users.map((u) => [u.ext, u.password]));

/**
 * The media bridge (issue #16, docs/media.md): a browser (ICE, DTLS-SRTP)
 * and a plain-RTP desk phone hear each other through the rtpengine that the
 * local stack starts; two browsers stay peer to peer.
 */
describe.runIf(hasTool('chromium') && hasTool('rtpengine') && hasTool('sipp'))('media bridge: browser ↔ plain RTP through rtpengine', () => {
  let stack: TestStack;
  let browser: Browser;
  let ng: RtpengineNg;
  const profiles = phoneProfiles(() => browser, () => `http://127.0.0.1:${stack.httpPort}`);

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startTestStack({ seed: SEED }), launchChromium()]);
    if (!stack.mediaNg) throw new Error('the local stack started no rtpengine');
    ng = new RtpengineNg(stack.mediaNg.host, stack.mediaNg.port);
  });
  afterAll(async () => {
    ng?.close();
    await profiles.closeAll();
    await browser?.close();
    await stack?.dispose();
  });

  it('the softphone calls a plain-RTP desk phone: the phone gets RTP/AVP without ICE, the page gets DTLS-SRTP, and audio comes back; hang-up frees the session', async () => {
    const target = `127.0.0.1:${stack.sipPort}`;
    const desk = await registerSippDevice(target, { ext: '5003', password: PASSWORD['5003'], domain: '127.0.0.1' });
    const mediaPort = await freePort();
    // -rtp_echo: the desk phone sends back what it hears, so the page's received energy proves both directions.
    const uas = runSipp({
      scenario: 'uas-answer-plain-echo.xml',
      transport: 'udp',
      target,
      service: '5003',
      localPort: desk.port,
      timeoutSeconds: 40,
      extraArgs: ['-rtp_echo', '-mi', '127.0.0.1', '-mp', String(mediaPort)],
    });
    await new Promise((r) => setTimeout(r, 300));
    const alice = await openSoftphone(await profiles.open(), { user: '5001', password: PASSWORD['5001'], dial: '5003' }, { dialogs: 'accept' });
    await waitForText(alice.page, 'call-state', 'connected', 15_000);

    await expect.poll(() => audioPacketsReceived(alice.page), { timeout: 10_000, interval: 200 }).toBeGreaterThan(20);
    await expect.poll(() => audioEnergyReceived(alice.page), { timeout: 10_000, interval: 200 }).toBeGreaterThan(0);
    expect(await dtlsState(alice.page)).toBe('connected');
    // The page talks to rtpengine, not to the phone: its answer is DTLS-SRTP.
    expect(await remoteMedia(alice.page)).toMatchObject({ proto: 'UDP/TLS/RTP/SAVPF' });
    expect(await ng.list()).toHaveLength(1);

    await alice.page.getByTestId('hangup').click();
    await waitForText(alice.page, 'call-state', 'idle');
    const device = await uas;
    expect(device.code, device.stderr).toBe(0);
    expect(device.log).toContain('OFFER-PROTO: RTP/AVP');
    expect(device.log).toContain('OFFER-ADDRESS: 127.0.0.1');
    await expect.poll(() => ng.list(), { timeout: 5_000, interval: 100 }).toEqual([]);
  }, 60_000);

  it('two browsers stay peer to peer: no session in rtpengine', async () => {
    const alice = await openSoftphone(await profiles.open(), { user: '5001', password: PASSWORD['5001'] });
    const bob = await openSoftphone(await profiles.open(), { user: '5002', password: PASSWORD['5002'] });
    await waitForText(alice.page, 'registration-state', 'registered');
    await waitForText(bob.page, 'registration-state', 'registered');
    await alice.page.getByTestId('dial').fill('5002');
    await alice.page.getByTestId('call').click();
    await waitForText(bob.page, 'call-state', 'ringing');
    await bob.page.getByTestId('answer').click();
    await waitForText(alice.page, 'call-state', 'connected');
    await expect.poll(() => audioPacketsReceived(bob.page), { timeout: 10_000, interval: 200 }).toBeGreaterThan(0);
    expect(await ng.list()).toEqual([]);
    await alice.page.getByTestId('hangup').click();
    await waitForText(bob.page, 'call-state', 'idle');
  }, 45_000);
});
