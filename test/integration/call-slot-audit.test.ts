import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../contracts/store/dynamo-client.js';
import { CallSlotRepository } from '../../functions/src/calls/call-slot-repository.js';
import { hasTool } from '../support/require-tool.js';
import { runSipp } from '../support/sipp.js';
import { registerSippDevice, runUas } from '../support/sipp-devices.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

const DOMAIN = 'acme.test';
const CALLER = { ext: '3001', password: 'pw-3001-one-call', maxCalls: 1 };
const CALLEE = { ext: '3002', password: 'pw-3002-answers' };
/** The audit every second, slots younger than 2 s left alone (contracts/settings/edge-settings.ts). */
const AUDIT = { PBX_SLOT_AUDIT_SECONDS: '1', PBX_SLOT_AUDIT_GRACE_SECONDS: '2' };
const TABLE = process.env.PBX_TABLE_NAME ?? 'nimbus-pbx';

const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * A user's call slot whose release never landed (an end lost on the way, a
 * write the store lost: docs/benchmarks.md) must not keep that user at the
 * MSS call limit for as long as the edge lives: the edge names the calls
 * holding call slots every audit period (edge/src/proxy/slot-audit.ts) and
 * the next take that finds the user at the limit gives back the entries its
 * edge no longer carried (functions/src/calls/slot-holders.ts). A call in
 * progress keeps its slot: a second call of the same user is still busy.
 */
describe.runIf(hasTool('sipp'))('the call slot audit (SIPp caller → edge → SIPp device)', () => {
  let stack: TestStack;
  const target = () => `127.0.0.1:${stack.sipPort}`;
  const call = (scenario: string, template: Record<string, string>) =>
    runSipp({
      scenario, transport: 'udp', target: target(), service: CALLEE.ext, authUser: CALLER.ext, password: CALLER.password,
      vars: { domain: DOMAIN, caller: CALLER.ext }, template, timeoutSeconds: 20,
    });
  const slotItem = async () => {
    const doc = createDocumentClient({ endpoint: stack.storeEndpoint });
    try {
      return await new CallSlotRepository(doc, TABLE).load({ tenantId: 'acme', ext: CALLER.ext });
    } finally {
      doc.destroy();
    }
  };

  beforeAll(async () => {
    stack = await startTestStack({ seed: { tenants: [{ id: 'acme', domains: [DOMAIN], users: [CALLER, CALLEE] }] }, env: { ...AUDIT, PBX_PIKE_REQUESTS: '0' } });
  });
  afterAll(async () => {
    await stack?.dispose();
  });

  it('gives back an entry of this edge that no call holds when the user is at the limit; a call in progress keeps its slot', async () => {
    // An entry of this edge and boot for a call it does not carry, taken a minute ago: what a lost release leaves.
    const doc = createDocumentClient({ endpoint: stack.storeEndpoint });
    try {
      const leaked = { callId: 'lost@test', callRef: 'release-never-landed', direction: 'out' as const, edgeId: stack.edge.identity.id, bootId: stack.edge.identity.bootId, since: Date.now() - 60_000 };
      expect(await new CallSlotRepository(doc, TABLE).take({ tenantId: 'acme', ext: CALLER.ext }, leaked, { maxCalls: 1 })).toBe(true);
    } finally {
      doc.destroy();
    }
    expect((await slotItem()).counts.calls).toBe(1);
    // Let an audit record what the edge carries (nothing yet).
    await pause(2_500);

    const device = await registerSippDevice(target(), { ext: CALLEE.ext, password: CALLEE.password, domain: DOMAIN });
    const stop = new AbortController();
    const answering = runUas(target(), device, 'uas-answer.xml', undefined, stop.signal, 1).catch(() => undefined);
    try {
      await pause(400);
      // The user's one slot (maxCalls 1) is free again for a call that talks for 6 s: three grace periods, six audits.
      const talking = call('uac-call.xml', { talk: '6000' });
      await pause(4_500);
      expect((await slotItem()).entries.map((e) => e.callRef)).not.toContain('release-never-landed');
      // Meanwhile the user is at the limit, and the call in progress is named by every audit: refused (403 Call limit reached).
      const busy = await call('uac-expect-final.xml', { status: '403' });
      expect(busy.log).toMatch(/STATUS: SIP\/2\.0 403 Call limit reached/);
      expect(busy.code, busy.stderr).toBe(0);
      const run = await talking;
      expect(run.code, run.stderr).toBe(0);
      await pause(500);
      expect((await slotItem()).counts.calls).toBe(0);
    } finally {
      stop.abort();
      await answering;
    }
  }, 45_000);
});
