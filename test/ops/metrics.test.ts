import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { parseExposition, sampleSum, sampleValue, type Sample } from '../support/prometheus-text.js';
import { udpClient } from '../support/raw-sip-client.js';
import { hasTool } from '../support/require-tool.js';
import { runSipp, type SippResult } from '../support/sipp.js';
import { registerSippDevice, runUas } from '../support/sipp-devices.js';
import { startTestStack, TEST_SEED, type TestStack } from '../support/test-stack.js';
import { optionsRequest } from '../security/f2b-support.js';
import { dialOut, pause, startCarrier } from '../trunks/trunk-stack.js';
import { waitUntilUdpBound } from '../trunks/udp-port-probe.js';

const METRICS_TOKEN = 'prometheus-scrapes-with-this-token';
/** The attacker's loopback address (fail-to-ban bans it after two bad passwords). */
const ATTACKER = '127.0.0.42';

/**
 * GET /metrics of the running local stack, scraped the way Prometheus does,
 * while real peers use the PBX: SIPp devices register and call each other,
 * SIPp plays a carrier for an outbound trunk call and a carrier registrar
 * for an external line, and SIPp guessing passwords gets banned. Every
 * figure is checked to move with what happened.
 */
describe.runIf(hasTool('sipp'))('Prometheus metrics at /metrics (real stack, SIPp traffic)', () => {
  let stack: TestStack;
  let carrierPort: number;
  let registrar: Promise<SippResult>;
  const sipTarget = () => `127.0.0.1:${stack.sipPort}`;
  const [acme] = TEST_SEED.tenants;
  const password = (ext: string) => acme.users.find((u) => u.ext === ext)!.password;

  async function scrape(token = METRICS_TOKEN): Promise<Sample[]> {
    const res = await fetch(`http://127.0.0.1:${stack.httpPort}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    return parseExposition(await res.text());
  }

  /** Scrapes until `done` holds (gauges follow calls and registrations asynchronously); returns the last scrape. */
  async function scrapeUntil(done: (s: Sample[]) => boolean, what: string, timeoutMs = 5_000): Promise<Sample[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const samples = await scrape();
      if (done(samples)) return samples;
      if (Date.now() > deadline) throw new Error(`metrics never showed ${what}`);
      await pause(100);
    }
  }

  beforeAll(async () => {
    carrierPort = await freePort();
    const registrarPort = await freePort();
    // The carrier's registrar for the external line: challenges, then accepts (test/sipp/registrar-challenge.xml).
    registrar = runSipp({
      scenario: 'registrar-challenge.xml', transport: 'udp', target: '127.0.0.1:5060', service: 'carrier', localPort: registrarPort,
      calls: 10, timeoutSeconds: 15, template: { realm: 'carrier.test', algorithm: 'MD5', expires: '300' },
    });
    await waitUntilUdpBound(registrarPort);
    stack = await startTestStack({
      env: { PBX_METRICS_TOKEN: METRICS_TOKEN },
      seed: {
        system: { f2b: { maxFailures: 2, windowSeconds: 60, banSeconds: 600 } },
        tenants: [
          {
            ...acme,
            trunks: [
              { id: 'carrier1', kind: 'ip', host: '127.0.0.1', port: carrierPort, transport: 'udp', routes: [{ prefix: '9', strip: 1 }], maxOutgoingCalls: 2 },
              {
                id: 'line2', kind: 'register', host: '127.0.0.1', port: registrarPort, transport: 'udp',
                username: 'acct77', password: 'pw77', domain: 'carrier.test', expires: 300, routes: [{ prefix: '8', strip: 1 }],
              },
            ],
          },
        ],
      },
    });
  });
  afterAll(async () => {
    // The registrar has exited: no unREGISTER that nobody would answer.
    await stack?.trunkLines.stop({ unregister: false });
    await stack?.dispose();
  });

  it('asks for a bearer token: PBX_METRICS_TOKEN or the admin token; anything else gets 401', async () => {
    const url = `http://127.0.0.1:${stack.httpPort}/metrics`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: 'Bearer not-the-token-at-all' } })).status).toBe(401);
    const byAdmin = await fetch(url, { headers: { authorization: `Bearer ${stack.adminToken.token}` } });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const samples = await scrape();
    // Process metrics come along, every series names its edge.
    expect(sampleValue(samples, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(samples.every((s) => s.labels.edge === 'edge-test')).toBe(true);
  });

  it('a SIPp device registering counts a challenge and an ok, and shows as one binding of one user; functions and store are timed', async () => {
    const before = await scrape();
    await registerSippDevice(sipTarget(), { ext: '1003', password: password('1003'), domain: '127.0.0.1' });
    const after = await scrapeUntil((s) => sampleValue(s, 'nimbus_bindings') === 1, 'one binding');
    const delta = (name: string, labels: Record<string, string>) => sampleValue(after, name, labels) - sampleValue(before, name, labels);
    expect(delta('nimbus_register_requests_total', { result: 'challenge' })).toBe(1);
    expect(delta('nimbus_register_requests_total', { result: 'ok' })).toBe(1);
    expect(sampleValue(after, 'nimbus_registered_users')).toBe(1);
    expect(delta('nimbus_function_duration_seconds_count', { function: 'register', outcome: 'ok' })).toBe(2);
    // The registrar read the user and wrote the binding through the in-process functions' DynamoDB client.
    expect(sampleSum(after, 'nimbus_store_request_duration_seconds_count', { outcome: 'ok' })).toBeGreaterThan(sampleSum(before, 'nimbus_store_request_duration_seconds_count', { outcome: 'ok' }));
    expect(sampleSum(after, 'nimbus_store_request_duration_seconds_count', { operation: 'GetItem' })).toBeGreaterThan(0);
  });

  it('an internal call shows as active while it lasts, then counts as answered', async () => {
    const callee = await registerSippDevice(sipTarget(), { ext: '1002', password: password('1002'), domain: '127.0.0.1' });
    await scrapeUntil((s) => sampleValue(s, 'nimbus_bindings') === 2, 'two bindings');
    const before = await scrape();
    const uas = runUas(sipTarget(), callee, 'uas-answer.xml');
    await pause(400);
    const caller = runSipp({
      scenario: 'uac-call.xml', transport: 'udp', target: sipTarget(), service: '1002', authUser: '1001', password: password('1001'),
      vars: { domain: '127.0.0.1', caller: '1001', talk: '3000' }, timeoutSeconds: 20,
    });
    await scrapeUntil((s) => sampleValue(s, 'nimbus_active_calls', { direction: 'internal' }) === 1, 'the call active');
    const [uac, device] = await Promise.all([caller, uas]);
    expect(uac.code, uac.stderr).toBe(0);
    expect(device.code, device.stderr).toBe(0);
    const after = await scrapeUntil((s) => sampleValue(s, 'nimbus_active_calls', { direction: 'internal' }) === 0, 'the call over');
    const answered = { direction: 'internal', disposition: 'answered' };
    expect(sampleValue(after, 'nimbus_calls_total', answered) - sampleValue(before, 'nimbus_calls_total', answered)).toBe(1);
    expect(sampleValue(after, 'nimbus_function_duration_seconds_count', { function: 'authorize-call', outcome: 'ok' })).toBeGreaterThanOrEqual(2);
  });

  it('an outbound call holds one slot of its trunk while it lasts; the external line shows as up', async () => {
    const lines = await scrapeUntil((s) => sampleValue(s, 'nimbus_trunk_line_up', { tenant: 'acme', trunk: 'line2' }) === 1, 'line2 up');
    expect(sampleValue(lines, 'nimbus_trunk_calls', { tenant: 'acme', trunk: 'carrier1', direction: 'out' })).toBe(0);
    const carrier = await startCarrier(carrierPort, 'carrier-answer.xml');
    const caller = dialOut(stack, '95550123', 'uac-call.xml', { talk: '3000' });
    await scrapeUntil((s) => sampleValue(s, 'nimbus_trunk_calls', { tenant: 'acme', trunk: 'carrier1', direction: 'out' }) === 1, 'a carrier1 slot in use');
    expect((await caller).code).toBe(0);
    expect((await carrier.finished).code).toBe(0);
    const after = await scrapeUntil((s) => sampleValue(s, 'nimbus_trunk_calls', { tenant: 'acme', trunk: 'carrier1', direction: 'out' }) === 0, 'the slot released');
    expect(sampleValue(after, 'nimbus_calls_total', { direction: 'outbound', disposition: 'answered' })).toBe(1);
    expect(sampleValue(after, 'nimbus_function_duration_seconds_count', { function: 'release-call', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect((await registrar).code).toBe(97); // the registrar scenario stops itself once the line is registered
  });

  it('a password guesser is banned after two failures: the ban shows, its next message is dropped as banned', async () => {
    const before = await scrape();
    for (let i = 0; i < 2; i++) {
      const guess = await runSipp({
        scenario: 'register-auth.xml', transport: 'udp', target: sipTarget(), service: '1001', authUser: '1001', password: `wrong-${i}`,
        vars: { domain: '127.0.0.1', expires: '300' }, localIp: ATTACKER, timeoutSeconds: 3,
      });
      expect(guess.code).not.toBe(0); // 403, not the 200 the scenario wanted
    }
    // The second guess got no answer (a banned address gets nothing); SIPp's retransmissions of it were dropped too.
    const banned = await scrapeUntil((s) => sampleValue(s, 'nimbus_bans') === 1, 'one ban');
    const attacker = await udpClient('127.0.0.1', stack.sipPort, ATTACKER);
    try {
      attacker.send(optionsRequest('UDP', ATTACKER, attacker.localPort));
      await expect(attacker.next(800)).rejects.toThrow();
    } finally {
      await attacker.close();
    }
    const after = await scrape();
    expect(sampleValue(after, 'nimbus_dropped_messages_total', { reason: 'banned' }) - sampleValue(banned, 'nimbus_dropped_messages_total', { reason: 'banned' })).toBe(1);
    expect(sampleValue(after, 'nimbus_register_requests_total', { result: 'failed' }) - sampleValue(before, 'nimbus_register_requests_total', { result: 'failed' })).toBe(2);
  });
});
