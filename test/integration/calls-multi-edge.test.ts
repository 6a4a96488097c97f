import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTool } from '../support/require-tool.js';
import { runSipp } from '../support/sipp.js';
import { registerSippDevice, runUas } from '../support/sipp-devices.js';
import { waitForCdr } from '../support/store-inspect.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

const DOMAIN = 'acme.test';
const SEED = {
  tenants: [
    {
      id: 'acme',
      domains: [DOMAIN, '127.0.0.1'],
      users: [
        { ext: '4001', password: 'pw-4001-on-edge-a' },
        { ext: '4002', password: 'pw-4002-on-edge-b' },
        { ext: '4003', password: 'pw-4003-edge-c', maxCalls: 1 },
        { ext: '4004', password: 'pw-4004-edge-c' },
      ],
    },
  ],
};

/**
 * Several edges on one store: a callee registered on edge B is reached from
 * a caller on edge A through B (the binding names B; B holds the path to the
 * device). And when an edge dies mid-call, its call still gets a CDR (closed
 * by the reaper once the edge's heartbeat lapses) and its call slots return.
 */
describe.runIf(hasTool('sipp'))('calls across edges sharing one store', () => {
  let store: Server;
  let storeEndpoint: string;
  let edgeA: TestStack;
  let edgeB: TestStack;
  // The edges of one deployment share the nonce secret (README: several edges on one store).
  const fast = { PBX_HEARTBEAT_SECONDS: '1', PBX_REAPER_INTERVAL_SECONDS: '1', PBX_NONCE_SECRET: 'multi-edge-test-nonce-secret-0123456789' };

  beforeAll(async () => {
    store = dynalite({ createTableMs: 0 });
    await new Promise<void>((resolve) => store.listen(0, '127.0.0.1', resolve));
    storeEndpoint = `http://127.0.0.1:${(store.address() as AddressInfo).port}`;
    edgeA = await startTestStack({ seed: SEED, env: { PBX_DYNAMODB_ENDPOINT: storeEndpoint, PBX_EDGE_ID: 'edge-a', ...fast } });
    edgeB = await startTestStack({ seed: SEED, env: { PBX_DYNAMODB_ENDPOINT: storeEndpoint, PBX_EDGE_ID: 'edge-b', ...fast } });
  });
  afterAll(async () => {
    await edgeA?.dispose();
    await edgeB?.dispose();
    await new Promise<void>((resolve) => store.close(() => resolve()));
  });

  it('a caller on edge A reaches a device registered on edge B, through B', async () => {
    const callee = await registerSippDevice(`127.0.0.1:${edgeB.sipPort}`, { ext: '4002', password: 'pw-4002-on-edge-b', domain: DOMAIN });
    const uas = runUas(`127.0.0.1:${edgeB.sipPort}`, callee, 'uas-answer.xml');
    await new Promise((r) => setTimeout(r, 400));
    const caller = await runSipp({
      scenario: 'uac-call.xml', transport: 'udp', target: `127.0.0.1:${edgeA.sipPort}`, service: '4002',
      authUser: '4001', password: 'pw-4001-on-edge-a', vars: { domain: DOMAIN, caller: '4001', talk: '300' }, timeoutSeconds: 20,
    });
    const device = await uas;
    expect(caller.code, caller.stderr).toBe(0);
    expect(device.code, device.stderr).toBe(0);
    // Both edges stay in the dialog: the device sees two Record-Route values, B's on top.
    const uris = [...device.log.matchAll(/<(sip:127\.0\.0\.1:(\d+)[^>]*)>/g)].map((m) => Number(m[2]));
    expect(uris.slice(0, 2)).toEqual([edgeB.sipPort, edgeA.sipPort]);
    const cdr = await waitForCdr({ storeEndpoint }, 'acme', (c) => c.callee?.ext === '4002' && c.state === 'closed');
    expect(cdr).toMatchObject({ disposition: 'answered', hangupBy: 'caller', edgeId: 'edge-a' });
  });

  it('an edge that dies mid-call: the reaper closes the CDR as a timeout and the callee\'s call slot comes back', async () => {
    const edgeC = await startTestStack({ seed: SEED, env: { PBX_DYNAMODB_ENDPOINT: storeEndpoint, PBX_EDGE_ID: 'edge-c', ...fast } });
    const vanish = new AbortController();
    try {
      const callee = await registerSippDevice(`127.0.0.1:${edgeC.sipPort}`, { ext: '4003', password: 'pw-4003-edge-c', domain: DOMAIN });
      const uas = runUas(`127.0.0.1:${edgeC.sipPort}`, callee, 'uas-answer.xml', undefined, vanish.signal);
      await new Promise((r) => setTimeout(r, 400));
      const caller = runSipp({
        scenario: 'uac-call.xml', transport: 'udp', target: `127.0.0.1:${edgeC.sipPort}`, service: '4003', authUser: '4004',
        password: 'pw-4004-edge-c', vars: { domain: DOMAIN, caller: '4004', talk: '60000' }, timeoutSeconds: 90, signal: vanish.signal,
      });
      await waitForCdr({ storeEndpoint }, 'acme', (c) => c.callee?.ext === '4003' && c.disposition === undefined && typeof c.answerTime === 'string', 8000);
      // The edge dies: no BYE ever passes it, no heartbeat any more.
      await edgeC.dispose();
      vanish.abort();
      await Promise.allSettled([uas, caller]);
    } finally {
      vanish.abort();
      await edgeC.dispose().catch(() => undefined);
    }
    const cdr = await waitForCdr({ storeEndpoint }, 'acme', (c) => c.callee?.ext === '4003' && c.state === 'closed', 15_000);
    expect(cdr).toMatchObject({ disposition: 'answered', closedBy: 'timeout', hangupBy: 'system' });
    // 4003 has maxCalls 1: with the dead call's slot reclaimed, a new call to 4003 is not busy.
    const again = await registerSippDevice(`127.0.0.1:${edgeA.sipPort}`, { ext: '4003', password: 'pw-4003-edge-c', domain: DOMAIN });
    const uas = runUas(`127.0.0.1:${edgeA.sipPort}`, again, 'uas-answer.xml');
    await new Promise((r) => setTimeout(r, 400));
    const caller = await runSipp({
      scenario: 'uac-call.xml', transport: 'udp', target: `127.0.0.1:${edgeA.sipPort}`, service: '4003', authUser: '4004',
      password: 'pw-4004-edge-c', vars: { domain: DOMAIN, caller: '4004', talk: '100' }, timeoutSeconds: 20,
    });
    expect(caller.code, caller.stderr).toBe(0);
    expect((await uas).code).toBe(0);
  }, 60_000);
});
