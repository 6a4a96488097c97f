/**
 * release-call gives trunk slots back too (dynalite): every slot the edge
 * lists is released by Call-ID, counted in `released`, and a second release
 * of the same call changes nothing.
 */
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EdgeIdentity } from '../../contracts/function-events.js';
import { createReleaseCallHandler } from '../../functions/src/calls/release-call-handler.js';
import { takeTrunkSlot } from '../../functions/src/trunks/trunk-admission.js';
import { startLocalDynamo, type LocalDynamo } from './local-dynamo.js';

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

  it('accepts an event without trunkSlots (calls between users) and refuses a malformed trunk slot', async () => {
    expect(await release({ type: 'release-call', callId: 'no-trunk', slots: [] }, CONTEXT)).toEqual({ released: 0 });
    const bad = { type: 'release-call', callId: 'c', slots: [], trunkSlots: [{ tenantId: 'acme', trunkId: '', direction: 'sideways' }] };
    await expect(release(bad as never, CONTEXT)).rejects.toThrow(/trunkSlots\.0\.trunkId.*trunkSlots\.0\.direction/);
  });
});
