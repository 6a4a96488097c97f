import { afterEach, describe, expect, it } from 'vitest';
import { InProcessBus } from '../../contracts/bus/in-process-bus.js';
import type { PbxEvent } from '../../contracts/bus/pbx-event.js';
import type { TrunkStatusDetail } from '../../contracts/bus/trunk-status-event.js';
import { freePort } from '../support/free-port.js';
import { hasTool } from '../support/require-tool.js';
import { runSipp, type SippResult } from '../support/sipp.js';
import { startTestStack, TEST_SEED, type TestStack } from '../support/test-stack.js';
import { waitUntilUdpBound } from './udp-port-probe.js';

/**
 * The external line registered by the running local stack (`npm start`):
 * trunks from the seed, read by the trunk-lines function, leased through the
 * trunk-lease function, REGISTERed from the edge's own SIP port to a carrier
 * registrar played by SIPp.
 */
describe.runIf(hasTool('sipp'))('local stack keeps a seeded external line registered', () => {
  let stack: TestStack | undefined;
  let unsubscribe: (() => void) | undefined;
  let bus: InProcessBus;

  afterEach(async () => {
    unsubscribe?.();
    await stack?.dispose();
    stack = undefined;
  });

  /** A seed whose tenant has one register trunk at the carrier; `settings` are the tenant's MSS variables. */
  function seedWith(carrierPort: number, settings?: Record<string, unknown>) {
    const tenant = TEST_SEED.tenants[0];
    return {
      tenants: [
        {
          ...tenant,
          ...(settings ? { settings } : {}),
          trunks: [
            {
              id: 'line2', kind: 'register', host: '127.0.0.1', port: carrierPort, transport: 'udp',
              username: 'acct77', password: 'pw77', domain: 'carrier.test', expires: 300, routes: [{ prefix: '8', strip: 1 }],
            },
          ],
        },
      ],
    };
  }

  async function runLineAgainst(scenario: string, settings?: Record<string, unknown>) {
    const carrierPort = await freePort();
    const carrier: Promise<SippResult> = runSipp({
      scenario, transport: 'udp', target: '127.0.0.1:5060', service: 'carrier', localPort: carrierPort,
      calls: 10, timeoutSeconds: 15, template: { realm: 'carrier.test', algorithm: 'MD5', expires: '120' },
    });
    await waitUntilUdpBound(carrierPort);
    const events: TrunkStatusDetail[] = [];
    bus = new InProcessBus();
    unsubscribe = bus.subscribe({ detailType: ['trunk.status'] }, async (e: PbxEvent) => void events.push(e.detail as TrunkStatusDetail));
    stack = await startTestStack({ seed: seedWith(carrierPort, settings), bus });
    const sipp = await carrier; // ends itself once it decided the line (stop_now)
    const seen = [...sipp.log.matchAll(/REGISTER call-id=(\S+) cseq=(\d+) authorization=(.*)/g)].map((m) => ({
      callId: m[1], cseq: Number(m[2]), authorized: m[3].trim() !== '',
    }));
    return { sipp, seen, events };
  }

  async function waitForStatus(status: 'online' | 'offline', timeoutMs = 5_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = stack!.trunkLines.statuses().find((s) => s.tenantId === 'acme' && s.trunkId === 'line2');
      if (line?.status === status) return line;
      if (Date.now() > deadline) throw new Error(`line2 not ${status}: ${JSON.stringify(stack!.trunkLines.statuses())}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** The carrier (SIPp) has exited: skip the unREGISTER that nobody would answer. */
  async function stopLinesWithoutCarrier() {
    await stack!.trunkLines.stop({ unregister: false });
  }

  it('registers the line through the edge, answers the challenge in one Call-ID (gVarSipRegSameDialog default 1) and reports it online', async () => {
    const { sipp, seen, events } = await runLineAgainst('registrar-challenge.xml');
    expect(sipp.code, sipp.stderr).toBe(97);
    const line = await waitForStatus('online');
    expect(line.lastError).toBeUndefined();
    expect(seen).toHaveLength(2);
    expect(seen[1].callId).toBe(seen[0].callId);
    expect(seen[1].cseq).toBe(seen[0].cseq + 1);
    expect(seen.map((s) => s.authorized)).toEqual([false, true]);
    await bus.drain();
    expect(events).toContainEqual(expect.objectContaining({ tenantId: 'acme', trunkId: 'line2', status: 'online', edgeId: 'edge-test' }));
    expect(stack!.trunkLines.registrar.registering).toEqual(['acme#line2']);
    await stopLinesWithoutCarrier();
  });

  it('with the tenant setting gVarSipRegSameDialog 0, every REGISTER has its own Call-ID and the line goes online', async () => {
    const { seen } = await runLineAgainst('registrar-challenge.xml', { gVarSipRegSameDialog: 0 });
    await waitForStatus('online');
    expect(seen).toHaveLength(2);
    expect(seen[1].callId).not.toBe(seen[0].callId);
    expect(seen.map((s) => s.cseq)).toEqual([1, 1]);
    await stopLinesWithoutCarrier();
  });

  it('a carrier rejecting the CSeq increment keeps the line offline with its reason, published as trunk.status', async () => {
    const { events } = await runLineAgainst('registrar-rejects-cseq.xml');
    const line = await waitForStatus('offline');
    expect(line.lastError).toBe('400 Bad Request (Invalid CSeq number)');
    await bus.drain();
    expect(events).toContainEqual(
      expect.objectContaining({ trunkId: 'line2', status: 'offline', lastError: '400 Bad Request (Invalid CSeq number)', edgeId: 'edge-test' }),
    );
    await stopLinesWithoutCarrier();
  });
});
