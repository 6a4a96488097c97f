import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RtpengineNg } from '../../edge/src/media/rtpengine-ng.js';
import { freePort } from '../support/free-port.js';
import { hasTool } from '../support/require-tool.js';
import { registerSippDevice } from '../support/sipp-devices.js';
import { runSipp } from '../support/sipp.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';
import { waitUntilUdpBound } from '../trunks/udp-port-probe.js';
import { launchChromium, phoneProfiles } from './chromium.js';
import { audioEnergyReceived, audioPacketsReceived, dtlsState, openSoftphone, remoteMedia, waitForText } from './softphone-page.js';

const USERS = [
  { ext: '5001', password: 'pw-5001-browser-alice' },
  { ext: '5002', password: 'pw-5002-browser-bob' },
  { ext: '5003', password: 'pw-5003-desk-phone' },
];
const PASSWORD = Object.fromEntries(USERS.map((u) => [u.ext, u.password]));
/** Dialling 9… leaves through the carrier (SIPp, plain RTP) on `carrierPort`. */
const seedWithCarrier = (carrierPort: number) => ({
  tenants: [
    {
      id: 'acme',
      domains: ['acme.test', '127.0.0.1'],
      users: USERS,
      trunks: [{ id: 'carrier', kind: 'ip', host: '127.0.0.1', port: carrierPort, transport: 'udp', routes: [{ prefix: '9', strip: 1 }] }],
    },
  ],
});

/** A plain-RTP party played by SIPp that echoes the RTP it receives (-rtp_echo): the caller hears itself only if media flows both ways. */
function echoingPhone(target: string, service: string, localPort: number, mediaPort: number) {
  return runSipp({
    scenario: 'uas-answer-plain-echo.xml',
    transport: 'udp',
    target,
    service,
    localPort,
    timeoutSeconds: 40,
    rtpEcho: { port: mediaPort },
    template: { ring: '0' },
  });
}

/**
 * The media bridge (issue #16, docs/media.md): a browser (ICE, DTLS-SRTP)
 * and a plain-RTP desk phone hear each other through the rtpengine that the
 * local stack starts; two browsers stay peer to peer.
 */
describe.runIf(hasTool('chromium') && hasTool('rtpengine') && hasTool('sipp'))('media bridge: browser ↔ plain RTP through rtpengine', () => {
  let stack: TestStack;
  let browser: Browser;
  let ng: RtpengineNg;
  let carrierPort: number;
  const profiles = phoneProfiles(() => browser, () => `http://127.0.0.1:${stack.httpPort}`);

  beforeAll(async () => {
    carrierPort = await freePort();
    [stack, browser] = await Promise.all([startTestStack({ seed: seedWithCarrier(carrierPort) }), launchChromium()]);
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
    // The desk phone sends back what it hears, so the page's received energy proves both directions.
    const uas = echoingPhone(target, '5003', desk.port, await freePort());
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

  it('the softphone calls out through a trunk: the SIPp carrier gets plain RTP from rtpengine and its audio reaches the page', async () => {
    const carrier = echoingPhone(`127.0.0.1:${stack.sipPort}`, 'carrier', carrierPort, await freePort());
    await waitUntilUdpBound(carrierPort);
    const alice = await openSoftphone(await profiles.open(), { user: '5001', password: PASSWORD['5001'], dial: '95550123' }, { dialogs: 'accept' });
    await waitForText(alice.page, 'call-state', 'connected', 15_000);
    await expect.poll(() => audioEnergyReceived(alice.page), { timeout: 10_000, interval: 200 }).toBeGreaterThan(0);
    expect(await ng.list()).toHaveLength(1);
    await alice.page.getByTestId('hangup').click();
    await waitForText(alice.page, 'call-state', 'idle');
    const answered = await carrier;
    expect(answered.code, answered.stderr).toBe(0);
    expect(answered.log).toContain('OFFER-PROTO: RTP/AVP');
    await expect.poll(() => ng.list(), { timeout: 5_000, interval: 100 }).toEqual([]);
  }, 45_000);

  it('a desk phone calling with a late offer (no SDP in the INVITE) reaches the softphone: the page\'s offer goes to the phone as RTP/AVP, the ACK\'s answer back, and audio flows', async () => {
    const bob = await openSoftphone(await profiles.open(), { user: '5002', password: PASSWORD['5002'] });
    await waitForText(bob.page, 'registration-state', 'registered');
    const caller = runSipp({
      scenario: 'uac-call-late-offer.xml',
      transport: 'udp',
      target: `127.0.0.1:${stack.sipPort}`,
      service: '5002',
      authUser: '5003',
      password: PASSWORD['5003'],
      vars: { domain: '127.0.0.1', caller: '5003', talk: '4000' },
      rtpEcho: { port: await freePort() },
      timeoutSeconds: 30,
    });
    await waitForText(bob.page, 'call-state', 'ringing');
    await bob.page.getByTestId('answer').click();
    await waitForText(bob.page, 'call-state', 'connected');
    await expect.poll(() => audioEnergyReceived(bob.page), { timeout: 10_000, interval: 200 }).toBeGreaterThan(0);
    expect(await dtlsState(bob.page)).toBe('connected');
    const called = await caller;
    expect(called.code, called.stderr).toBe(0);
    expect(called.log).toContain('OFFER-PROTO: RTP/AVP');
    await waitForText(bob.page, 'call-state', 'idle');
    await expect.poll(() => ng.list(), { timeout: 5_000, interval: 100 }).toEqual([]);
  }, 45_000);

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
