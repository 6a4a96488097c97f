import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import type { RTCSession } from 'jssip/lib/RTCSession.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RtpengineNg } from '../../edge/src/media/rtpengine-ng.js';
import { installFakeWebRtc } from '../support/fake-webrtc.js';
import { startJsSipUser } from '../support/jssip-user.js';
import { parseExposition, sampleValue } from '../support/prometheus-text.js';
import { hasTool } from '../support/require-tool.js';
import { runSipp, type SippResult } from '../support/sipp.js';
import { registerSippDevice, runUas } from '../support/sipp-devices.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

installFakeWebRtc();

const DOMAIN = 'acme.test';
const PASSWORDS: Record<string, string> = { '6001': 'pw-6001-phone-a', '6002': 'pw-6002-phone-b', '6003': 'pw-6003-browser', '6005': 'pw-6005-two-devices' };
const SEED = {
  tenants: [
    {
      id: 'acme',
      domains: [DOMAIN, '127.0.0.1'],
      // 6005 rings on a browser and on a desk phone at once ("one number, multi-devices").
      users: Object.entries(PASSWORDS).map(([ext, password]) => ({ ext, password, ...(ext === '6005' ? { multiDevice: true, maxDevices: 3 } : {}) })),
    },
  ],
};
const RTP_MIN = 41_000;
const METRICS_TOKEN = 'media-sessions-metrics-token';
const RTP_MAX = 41_099;

/**
 * The sessions a call holds in rtpengine (issue #16): made when the call is
 * anchored, kept while it lasts, freed on every end (BYE, busy, CANCEL), and
 * an orphan — a session no call of this edge owns — reaped. SIPp plays both
 * desk phones; PBX_MEDIA_ANCHOR_ALL anchors their calls too (phones behind NAT).
 */
describe.runIf(hasTool('sipp') && hasTool('rtpengine'))('media sessions in rtpengine', () => {
  let stack: TestStack;
  let ng: RtpengineNg;
  const target = () => `127.0.0.1:${stack.sipPort}`;
  const device = (ext: string) => registerSippDevice(target(), { ext, password: PASSWORDS[ext]!, domain: DOMAIN });
  const call = (scenario: string, opts: { talk?: string; template?: Record<string, string> } = {}) =>
    runSipp({
      scenario,
      transport: 'udp',
      target: target(),
      service: '6002',
      authUser: '6001',
      password: PASSWORDS['6001'],
      vars: { domain: DOMAIN, caller: '6001', ...(opts.talk ? { talk: opts.talk } : {}) },
      ...(opts.template ? { template: opts.template } : {}),
      timeoutSeconds: 30,
    });
  const settle = () => new Promise((r) => setTimeout(r, 400));
  /** The edge's own count of anchored calls (/metrics, nimbus_media_calls). */
  const mediaCallsGauge = async () => {
    const res = await fetch(`http://127.0.0.1:${stack.httpPort}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    return sampleValue(parseExposition(await res.text()), 'nimbus_media_calls');
  };
  const sessionsGone = () => expect.poll(() => ng.list(), { timeout: 5_000, interval: 100 }).toEqual([]);

  beforeAll(async () => {
    stack = await startTestStack({
      seed: SEED,
      env: {
        PBX_MEDIA_ANCHOR_ALL: 'true',
        PBX_REAPER_INTERVAL_SECONDS: '1',
        PBX_RTP_PORT_MIN: String(RTP_MIN),
        PBX_RTP_PORT_MAX: String(RTP_MAX),
        PBX_METRICS_TOKEN: METRICS_TOKEN,
      },
    });
    ng = new RtpengineNg(stack.mediaNg!.host, stack.mediaNg!.port);
  });
  afterAll(async () => {
    ng?.close();
    await stack?.dispose();
  });

  it('an answered call is anchored: the callee is offered rtpengine\'s port, the session outlives reaper passes while the call lasts, and the BYE frees it', async () => {
    const callee = await device('6002');
    const uas = runUas(target(), callee, 'uas-answer-plain-echo.xml', { ring: '0' });
    await settle();
    const caller = call('uac-call.xml', { talk: '3500' });
    await expect.poll(() => ng.list(), { timeout: 5_000, interval: 100 }).toHaveLength(1);
    // Three reaper passes (1 s each) while the call lasts: a session with a call is never an orphan.
    await new Promise((r) => setTimeout(r, 2_500));
    expect(await ng.list()).toHaveLength(1);
    expect(await mediaCallsGauge()).toBe(1);
    const [a, b] = await Promise.all([caller, uas]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const port = Number(/OFFER-PORT: (\d+)/.exec(b.log)?.[1]);
    expect(port).toBeGreaterThanOrEqual(RTP_MIN);
    expect(port).toBeLessThanOrEqual(RTP_MAX);
    expect(b.log).toContain('OFFER-PROTO: RTP/AVP');
    await sessionsGone();
    expect(await mediaCallsGauge()).toBe(0);
  }, 30_000);

  it('a busy callee and a caller\'s CANCEL free the session too', async () => {
    const busy = await device('6002');
    const [refused, rejecting] = await bothEnds(runUas(target(), busy, 'uas-reject.xml', { status: '486', reason: 'Busy Here' }), () =>
      call('uac-expect-final.xml', { template: { status: '486' } }),
    );
    expect(refused.code, refused.stderr).toBe(0);
    expect(rejecting.code, rejecting.stderr).toBe(0);
    await sessionsGone();

    const ringing = await device('6002');
    const [cancelled, rang] = await bothEnds(runUas(target(), ringing, 'uas-ring.xml'), () => call('uac-cancel.xml', { talk: '500' }));
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(rang.code, rang.stderr).toBe(0);
    await sessionsGone();
  }, 40_000);

  it('a session no call owns (left by an edge that died) is reaped', async () => {
    const sdp = ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 40000 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', ''].join('\r\n');
    await ng.offer({ callId: 'orphan-of-a-dead-edge', fromTag: 'gone' }, sdp, { 'transport-protocol': 'RTP/AVP', ICE: 'remove', 'rtcp-mux': ['demux'] });
    expect(await ng.list()).toEqual(['orphan-of-a-dead-edge']);
    // Seen orphaned by one pass, deleted by the next.
    await expect.poll(() => ng.list(), { timeout: 6_000, interval: 200 }).toEqual([]);
  }, 15_000);

  async function bothEnds(uas: Promise<SippResult>, uac: () => Promise<SippResult>): Promise<[SippResult, SippResult]> {
    await settle();
    const caller = await uac();
    return [caller, await uas];
  }
});

/**
 * Forking (RFC 3261 §16.6) to a browser and a desk phone of one user: each
 * branch gets its own offer — rtpengine's for the browser, the caller's own
 * for the phone — and the call keeps a session only if the browser answers.
 */
describe.runIf(hasTool('sipp') && hasTool('rtpengine'))('media per forked branch', () => {
  let stack: TestStack;
  let ng: RtpengineNg;
  let browser: ReturnType<typeof startJsSipUser>;
  const target = () => `127.0.0.1:${stack.sipPort}`;
  const callMultiDevice = (talk: string) =>
    runSipp({
      scenario: 'uac-call.xml',
      transport: 'udp',
      target: target(),
      service: '6005',
      authUser: '6001',
      password: PASSWORDS['6001'],
      vars: { domain: DOMAIN, caller: '6001', talk },
      timeoutSeconds: 30,
    });
  /** The browser's next incoming INVITE: its offer, answered or left ringing. */
  const nextBrowserCall = (answer: boolean) =>
    new Promise<{ offer: string; session: RTCSession }>((resolve) => {
      browser.ua.once('newRTCSession', (e: { session: RTCSession; originator: string; request: { body?: string } }) => {
        if (answer) e.session.answer({ mediaConstraints: { audio: false, video: false } });
        resolve({ offer: e.request.body ?? '', session: e.session });
      });
    });

  beforeAll(async () => {
    stack = await startTestStack({ seed: SEED, env: { PBX_RTP_PORT_MIN: String(RTP_MIN + 100), PBX_RTP_PORT_MAX: String(RTP_MAX + 100) } });
    ng = new RtpengineNg(stack.mediaNg!.host, stack.mediaNg!.port);
    browser = startJsSipUser({ wsUrl: `ws://127.0.0.1:${stack.httpPort}/ws`, ext: '6005', domain: DOMAIN, password: PASSWORDS['6005']! });
    expect(await browser.registration).toEqual({ registered: true });
  });
  afterAll(async () => {
    ng?.close();
    await browser?.stop();
    await stack?.dispose();
  });

  it('the browser\'s branch is anchored, the phone\'s is not; when the phone answers, the session is freed at once', async () => {
    const phone = await registerSippDevice(target(), { ext: '6005', password: PASSWORDS['6005']!, domain: DOMAIN });
    // The phone rings a while before it answers: long enough for the browser's anchored branch to be sent.
    const uas = runUas(target(), phone, 'uas-answer-plain-echo.xml', { ring: '1000' });
    const ringing = nextBrowserCall(false);
    await new Promise((r) => setTimeout(r, 400));
    const caller = callMultiDevice('2000');
    const { offer } = await ringing;
    expect(offer).toMatch(/^m=audio \d+ UDP\/TLS\/RTP\/SAVPF /m);
    expect(offer).toMatch(/^a=ice-ufrag:/m);
    const [a, b] = await Promise.all([caller, uas]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    // The phone got the caller's own offer: a port of the caller, not of rtpengine's range.
    expect(b.log).toContain('OFFER-PROTO: RTP/AVP');
    const port = Number(/OFFER-PORT: (\d+)/.exec(b.log)?.[1]);
    expect(port < RTP_MIN + 100 || port > RTP_MAX + 100).toBe(true);
    expect(await ng.list()).toEqual([]);
  }, 30_000);

  it('when the browser answers, the call holds its session until the BYE', async () => {
    const phone = await registerSippDevice(target(), { ext: '6005', password: PASSWORDS['6005']!, domain: DOMAIN });
    const uas = runUas(target(), phone, 'uas-ring.xml');
    const answered = nextBrowserCall(true);
    await new Promise((r) => setTimeout(r, 400));
    const caller = callMultiDevice('2500');
    await answered;
    await expect.poll(() => ng.list(), { timeout: 5_000, interval: 100 }).toHaveLength(1);
    const [a, b] = await Promise.all([caller, uas]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    await expect.poll(() => ng.list(), { timeout: 5_000, interval: 100 }).toEqual([]);
  }, 30_000);
});

/**
 * Several edges: the edge that owns the call anchors it, even when the
 * browser is held by another edge; the relaying edge passes SDP on.
 */
describe.runIf(hasTool('sipp') && hasTool('rtpengine'))('media across edges', () => {
  let store: Server;
  let edgeA: TestStack;
  let edgeB: TestStack;
  let ngA: RtpengineNg;
  let ngB: RtpengineNg;
  let browser: ReturnType<typeof startJsSipUser>;

  beforeAll(async () => {
    store = dynalite({ createTableMs: 0 });
    await new Promise<void>((resolve) => store.listen(0, '127.0.0.1', resolve));
    const shared = { PBX_DYNAMODB_ENDPOINT: `http://127.0.0.1:${(store.address() as AddressInfo).port}`, PBX_NONCE_SECRET: 'media-multi-edge-nonce-secret-0123456789' };
    edgeA = await startTestStack({ seed: SEED, env: { ...shared, PBX_EDGE_ID: 'edge-a', PBX_RTP_PORT_MIN: '41400', PBX_RTP_PORT_MAX: '41499' } });
    edgeB = await startTestStack({ seed: SEED, env: { ...shared, PBX_EDGE_ID: 'edge-b', PBX_RTP_PORT_MIN: '41500', PBX_RTP_PORT_MAX: '41599' } });
    ngA = new RtpengineNg(edgeA.mediaNg!.host, edgeA.mediaNg!.port);
    ngB = new RtpengineNg(edgeB.mediaNg!.host, edgeB.mediaNg!.port);
    browser = startJsSipUser({ wsUrl: `ws://127.0.0.1:${edgeB.httpPort}/ws`, ext: '6003', domain: DOMAIN, password: PASSWORDS['6003']! });
    expect(await browser.registration).toEqual({ registered: true });
  });
  afterAll(async () => {
    await browser?.stop();
    ngA?.close();
    ngB?.close();
    await edgeA?.dispose();
    await edgeB?.dispose();
    await new Promise<void>((resolve) => store?.close(() => resolve()));
  });

  it('a desk phone on edge A calls a browser held by edge B: A anchors the call in its rtpengine, B holds no session', async () => {
    const answered = new Promise<string>((resolve) => {
      browser.ua.once('newRTCSession', (e: { session: RTCSession; request: { body?: string } }) => {
        e.session.answer({ mediaConstraints: { audio: false, video: false } });
        resolve(e.request.body ?? '');
      });
    });
    const caller = runSipp({
      scenario: 'uac-call.xml',
      transport: 'udp',
      target: `127.0.0.1:${edgeA.sipPort}`,
      service: '6003',
      authUser: '6001',
      password: PASSWORDS['6001'],
      vars: { domain: DOMAIN, caller: '6001', talk: '2000' },
      timeoutSeconds: 30,
    });
    const offer = await answered;
    // rtpengine of edge A wrote the browser's offer: its port range, ICE credentials.
    const port = Number(/^m=audio (\d+) UDP\/TLS\/RTP\/SAVPF /m.exec(offer)?.[1]);
    expect(port).toBeGreaterThanOrEqual(41_400);
    expect(port).toBeLessThanOrEqual(41_499);
    expect(offer).toMatch(/^a=ice-ufrag:/m);
    await expect.poll(() => ngA.list(), { timeout: 5_000, interval: 100 }).toHaveLength(1);
    expect(await ngB.list()).toEqual([]);
    const result = await caller;
    expect(result.code, result.stderr).toBe(0);
    await expect.poll(() => ngA.list(), { timeout: 5_000, interval: 100 }).toEqual([]);
  }, 30_000);
});

describe.runIf(hasTool('sipp'))('no media bridge', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ seed: SEED, env: { PBX_RTPENGINE: 'off' } });
  });
  afterAll(async () => stack?.dispose());

  it('a browser calling a desk phone gets 488 with a Warning naming the missing bridge; the phone never rings', async () => {
    const target = `127.0.0.1:${stack.sipPort}`;
    const phone = await registerSippDevice(target, { ext: '6002', password: PASSWORDS['6002']!, domain: DOMAIN });
    const abort = new AbortController();
    const uas = runUas(target, phone, 'uas-answer.xml', undefined, abort.signal);
    const browser = startJsSipUser({ wsUrl: `ws://127.0.0.1:${stack.httpPort}/ws`, ext: '6003', domain: DOMAIN, password: PASSWORDS['6003']! });
    try {
      expect(await browser.registration).toEqual({ registered: true });
      const session: RTCSession = browser.ua.call(`sip:6002@${DOMAIN}`, { mediaConstraints: { audio: false, video: false } });
      const failed = await new Promise<{ status?: number; warning?: string }>((resolve, reject) => {
        session.on('confirmed', () => reject(new Error('the call connected without a bridge')));
        session.on('failed', (e: { message?: { status_code?: number; getHeader?: (name: string) => string } }) =>
          resolve({ status: e.message?.status_code, warning: e.message?.getHeader?.('Warning') }),
        );
      });
      expect(failed).toEqual({ status: 488, warning: '305 nimbus "media bridge (rtpengine) unavailable"' });
    } finally {
      abort.abort();
      await uas.catch(() => undefined);
      await browser.stop();
    }
    const device = await uas;
    expect(device.log).not.toContain('RECORD-ROUTE');
  }, 30_000);
});
