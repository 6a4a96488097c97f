/**
 * release-call gives trunk slots back too (dynalite): every slot the edge
 * lists is released by Call-ID, counted in `released`, and a second release
 * of the same call changes nothing. The calls of one event that used the
 * same trunk give their slots back with one write to the trunk's usage item.
 */
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EdgeIdentity } from '../../contracts/function-events.js';
import { createReleaseCallHandler } from '../../functions/src/calls/release-call-handler.js';
import { takeTrunkSlot } from '../../functions/src/trunks/trunk-admission.js';
import { RELEASE_MANY_MAX, TrunkUsageRepository } from '../../functions/src/trunks/trunk-usage-repository.js';
import { createDocumentClient } from '../../contracts/store/dynamo-client.js';
import { startLocalDynamo, TEST_TABLE, type LocalDynamo } from './local-dynamo.js';
import { logStoreRequests } from './store-requests.js';

const CONTEXT = {} as Context;
const EDGE: EdgeIdentity = { id: 'edge-r', bootId: 'r-1' };
const NOW = Date.UTC(2026, 0, 5, 10, 0, 0);

let db: LocalDynamo;
let release: ReturnType<typeof createReleaseCallHandler>;

beforeAll(async () => {
  db = await startLocalDynamo();
  release = createReleaseCallHandler({ slots: db.stores.callSlots, trunkUsage: db.stores.trunkUsage });
});

afterAll(async () => {
  await db?.close();
});

const usage = (trunkId: string) => db.stores.trunkUsage.usage({ tenantId: 'acme', trunkId });

describe('release-call with trunk slots (dynalite)', () => {
  it('releases each listed trunk slot once, counts it, and a repeated release is harmless', async () => {
    const first = { tenantId: 'acme', id: 'rel-out', maxOutgoingCalls: 2 };
    const second = { tenantId: 'acme', id: 'rel-in', maxIncomingCalls: 2 };
    expect(await takeTrunkSlot(db.stores.trunkUsage, first, 'out', 'call-1', EDGE, NOW)).toMatchObject({ ok: true });
    expect(await takeTrunkSlot(db.stores.trunkUsage, second, 'in', 'call-1', EDGE, NOW)).toMatchObject({ ok: true });
    expect(await takeTrunkSlot(db.stores.trunkUsage, first, 'out', 'other-call', EDGE, NOW)).toMatchObject({ ok: true });

    const event = {
      type: 'release-call' as const,
      callId: 'call-1',
      slots: [],
      trunkSlots: [
        { tenantId: 'acme', trunkId: 'rel-out', direction: 'out' as const },
        { tenantId: 'acme', trunkId: 'rel-in', direction: 'in' as const },
        { tenantId: 'acme', trunkId: 'rel-out', direction: 'out' as const },
      ],
    };
    expect(await release(event, CONTEXT)).toEqual({ released: 2 });
    expect(await usage('rel-out')).toEqual({ in: 0, out: 1, total: 1 });
    expect(await usage('rel-in')).toEqual({ in: 0, out: 0, total: 0 });
    expect(Object.keys(await db.stores.trunkUsage.leases({ tenantId: 'acme', trunkId: 'rel-out' }))).toEqual(['other-call']);

    expect(await release(event, CONTEXT)).toEqual({ released: 0 });
    expect(await usage('rel-out')).toEqual({ in: 0, out: 1, total: 1 });
  });

  it('gives back the trunk slots of calls that ended together with one write per trunk; a lease gone already falls back to one write each', async () => {
    const doc = createDocumentClient({ endpoint: db.endpoint, env: {} });
    const log = logStoreRequests(doc);
    const trunkUsage = new TrunkUsageRepository(doc, TEST_TABLE);
    const batched = createReleaseCallHandler({ slots: db.stores.callSlots, trunkUsage });
    try {
      const busy = { tenantId: 'acme', id: 'busy', maxIncomingCalls: 40, maxOutgoingCalls: 40 };
      const refs = Array.from({ length: RELEASE_MANY_MAX + 5 }, (_, i) => `busy-${i}`);
      for (const [i, ref] of refs.entries()) {
        expect(await takeTrunkSlot(trunkUsage, busy, i % 3 === 0 ? 'out' : 'in', ref, EDGE, NOW)).toMatchObject({ ok: true });
      }
      expect(await takeTrunkSlot(trunkUsage, busy, 'in', 'still-talking', EDGE, NOW)).toMatchObject({ ok: true });
      const ended = (ref: string, i: number) => ({
        callId: `cid-${ref}`, callRef: ref, slots: [],
        trunkSlots: [{ tenantId: 'acme', trunkId: 'busy', direction: i % 3 === 0 ? ('out' as const) : ('in' as const) }],
      });
      const [first, ...more] = refs.map(ended);
      log.clear();
      expect(await batched({ type: 'release-call', ...first, more }, CONTEXT)).toEqual({ released: refs.length });
      // RELEASE_MANY_MAX + 5 leases: two writes, none per call, and no read.
      expect(log.to('TRUNKUSE#busy')).toEqual(['UpdateItem', 'UpdateItem']);
      expect(await trunkUsage.usage({ tenantId: 'acme', trunkId: 'busy' })).toEqual({ in: 1, out: 0, total: 1 });
      expect(Object.keys(await trunkUsage.leases({ tenantId: 'acme', trunkId: 'busy' }))).toEqual(['still-talking']);

      // A retried event whose first call was released before: the others still go back, each counted once.
      const again = ['busy-a', 'busy-b', 'busy-c'];
      for (const ref of again) await takeTrunkSlot(trunkUsage, busy, 'in', ref, EDGE, NOW);
      expect(await trunkUsage.release({ tenantId: 'acme', trunkId: 'busy' }, 'busy-a', 'in')).toBe(true);
      const retried = again.map((ref) => ({ callId: `cid-${ref}`, callRef: ref, slots: [], trunkSlots: [{ tenantId: 'acme', trunkId: 'busy', direction: 'in' as const }] }));
      expect(await batched({ type: 'release-call', ...retried[0], more: retried.slice(1) }, CONTEXT)).toEqual({ released: 2 });
      expect(await trunkUsage.usage({ tenantId: 'acme', trunkId: 'busy' })).toEqual({ in: 1, out: 0, total: 1 });
      expect(await batched({ type: 'release-call', ...retried[0], more: retried.slice(1) }, CONTEXT)).toEqual({ released: 0 });
      expect(await trunkUsage.usage({ tenantId: 'acme', trunkId: 'busy' })).toEqual({ in: 1, out: 0, total: 1 });
    } finally {
      doc.destroy();
    }
  });

  it('accepts an event without trunkSlots (calls between users) and refuses a malformed trunk slot', async () => {
    expect(await release({ type: 'release-call', callId: 'no-trunk', slots: [] }, CONTEXT)).toEqual({ released: 0 });
    const bad = { type: 'release-call', callId: 'c', slots: [], trunkSlots: [{ tenantId: 'acme', trunkId: '', direction: 'sideways' }] };
    await expect(release(bad as never, CONTEXT)).rejects.toThrow(/trunkSlots\.0\.trunkId.*trunkSlots\.0\.direction/);
  });
});
