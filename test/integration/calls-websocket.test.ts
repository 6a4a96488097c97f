import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RTCSession } from 'jssip/lib/RTCSession.js';
import { installFakeWebRtc } from '../support/fake-webrtc.js';
import { startJsSipUser, type JsSipUser } from '../support/jssip-user.js';
import { hasTool } from '../support/require-tool.js';
import { runSipp } from '../support/sipp.js';
import { registerSippDevice, runUas } from '../support/sipp-devices.js';
import { waitForCdr } from '../support/store-inspect.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

installFakeWebRtc();

const DOMAIN = 'acme.test';
const SEED = {
  tenants: [
    {
      id: 'acme',
      domains: [DOMAIN, '127.0.0.1'],
      users: [
        { ext: '3001', password: 'pw-3001-browser', displayName: 'Browser' },
        { ext: '3002', password: 'pw-3002-deskphone', displayName: 'Desk phone' },
      ],
    },
  ],
};

/**
 * Browser-style users (JsSIP over WebSocket) and desk phones (SIPp over UDP)
 * call each other; the edge bridges the transports with a double
 * Record-Route (RFC 5658) and reaches the browser over its WebSocket flow.
 */
describe.runIf(hasTool('sipp') && hasTool('rtpengine'))('calls between a WebSocket user and a UDP user', () => {
  let stack: TestStack;
  let browser: JsSipUser;
  const target = () => `127.0.0.1:${stack.sipPort}`;

  beforeAll(async () => {
    stack = await startTestStack({ seed: SEED });
    browser = startJsSipUser({ wsUrl: `ws://127.0.0.1:${stack.httpPort}/ws`, ext: '3001', domain: DOMAIN, password: 'pw-3001-browser' });
    expect(await browser.registration).toEqual({ registered: true });
  });
  afterAll(async () => {
    await browser?.stop();
    await stack?.dispose();
  });

  it('the JsSIP user calls the SIPp user, the call connects and the JsSIP user hangs up', async () => {
    const phone = await registerSippDevice(target(), { ext: '3002', password: 'pw-3002-deskphone', domain: DOMAIN });
    const uas = runUas(target(), phone, 'uas-answer.xml');
    await new Promise((r) => setTimeout(r, 400));
    const session: RTCSession = browser.ua.call(`sip:3002@${DOMAIN}`, { mediaConstraints: { audio: false, video: false } });
    await new Promise<void>((resolve, reject) => {
      session.on('confirmed', () => resolve());
      session.on('failed', (e: { cause?: unknown }) => reject(new Error(`call failed: ${String(e.cause)}`)));
    });
    session.terminate();
    const device = await uas;
    expect(device.code, device.stderr).toBe(0);
    // WebSocket caller ↔ UDP callee: two Record-Route values, one per transport (RFC 5658).
    const recordRoutes = device.log.match(/RECORD-ROUTE: ([^\n]*(\n\s*Record-Route:[^\n]*)*)/)?.[1] ?? '';
    const uris = [...recordRoutes.matchAll(/<(sip:[^>]*)>/g)].map((m) => m[1]);
    expect(uris).toHaveLength(2);
    expect(uris[0]).not.toContain('transport=ws'); // the top one faces the UDP device
    expect(uris[1]).toContain('transport=ws'); // the other faces the browser
    const cdr = await waitForCdr(stack, 'acme', (c) => c.caller?.ext === '3001' && c.state === 'closed');
    expect(cdr).toMatchObject({ disposition: 'answered', hangupBy: 'caller', callee: { ext: '3002' } });
  });

  it('the SIPp user calls the JsSIP user over its WebSocket, the browser answers and the SIPp user hangs up', async () => {
    const answered = new Promise<RTCSession>((resolve) => {
      browser.ua.once('newRTCSession', (e: { session: RTCSession; originator: string }) => {
        if (e.originator !== 'remote') return;
        e.session.answer({ mediaConstraints: { audio: false, video: false } });
        resolve(e.session);
      });
    });
    const caller = runSipp({
      scenario: 'uac-call.xml',
      transport: 'udp',
      target: target(),
      service: '3001',
      authUser: '3002',
      password: 'pw-3002-deskphone',
      vars: { domain: DOMAIN, caller: '3002', talk: '300' },
      timeoutSeconds: 20,
    });
    const session = await answered;
    const ended = new Promise<string>((resolve) => session.on('ended', (e: { originator: string }) => resolve(e.originator)));
    const result = await caller;
    expect(result.code, result.stderr).toBe(0);
    expect(await ended).toBe('remote');
    const cdr = await waitForCdr(stack, 'acme', (c) => c.caller?.ext === '3002' && c.state === 'closed');
    expect(cdr).toMatchObject({ disposition: 'answered', hangupBy: 'caller', callee: { ext: '3001' } });
  });
});
