/**
 * The take-trunk-slot function against a seeded dynalite (outbound
 * failover): an 'out' slot on the named trunk within its MSS limit, the same
 * Call-ID again is already admitted, another call over the limit is refused
 * naming the limit, and an unknown trunk is refused.
 */
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TakeTrunkSlotEvent } from '../../contracts/function-events.js';
import { applySeed } from '../../functions/src/seed/apply-seed.js';
import { parseSeed } from '../../functions/src/seed/seed-schema.js';
import { createTakeTrunkSlotHandler } from '../../functions/src/trunks/take-trunk-slot-handler.js';
import { startLocalDynamo, type LocalDynamo } from './local-dynamo.js';

const CONTEXT = {} as Context;
const NOW = Date.UTC(2026, 0, 5, 10, 0, 0);
const EDGE = { id: 'edge-t', bootId: 't-1' };

const SEED = parseSeed({
  tenants: [
    {
      id: 'acme',
      domains: ['acme.test'],
      users: [{ ext: '1001', password: 'pw-1001' }],
      trunks: [
        { id: 'backup', kind: 'ip', host: '192.0.2.1', maxOutgoingCalls: 1 },
        { id: 'closed', kind: 'ip', host: '192.0.2.2', maxTotalCalls: 0 },
      ],
    },
  ],
});

let db: LocalDynamo;
let take: ReturnType<typeof createTakeTrunkSlotHandler>;

beforeAll(async () => {
  db = await startLocalDynamo();
  await applySeed({ directory: db.stores.directory, trunks: db.stores.trunks }, SEED);
  take = createTakeTrunkSlotHandler({ trunks: db.stores.trunks, trunkUsage: db.stores.trunkUsage, now: () => NOW });
});

afterAll(async () => {
  await db?.close();
});

const event = (callId: string, trunkId: string): TakeTrunkSlotEvent => ({ type: 'take-trunk-slot', edge: EDGE, callId, tenantId: 'acme', trunkId });

describe('take-trunk-slot (dynalite)', () => {
  it('takes an out slot within maxOutgoingCalls, admits the same call again and refuses another call naming the limit', async () => {
    expect(await take(event('call-1', 'backup'), CONTEXT)).toEqual({ ok: true, slot: { tenantId: 'acme', trunkId: 'backup', direction: 'out' } });
    expect(await take(event('call-1', 'backup'), CONTEXT)).toEqual({ ok: true, slot: { tenantId: 'acme', trunkId: 'backup', direction: 'out' } });
    expect(await take(event('call-2', 'backup'), CONTEXT)).toEqual({ ok: false, reason: 'maxOutgoingCalls' });
    expect(await db.stores.trunkUsage.usage({ tenantId: 'acme', trunkId: 'backup' })).toEqual({ in: 0, out: 1, total: 1 });
    expect((await db.stores.trunkUsage.leases({ tenantId: 'acme', trunkId: 'backup' }))['call-1']).toEqual({ dir: 'out', edgeId: 'edge-t', bootId: 't-1', since: NOW });
  });

  it('refuses a disabled trunk and an unknown one', async () => {
    expect(await take(event('call-3', 'closed'), CONTEXT)).toEqual({ ok: false, reason: 'maxTotalCalls' });
    expect(await take(event('call-3', 'nope'), CONTEXT)).toEqual({ ok: false, reason: 'unknown trunk' });
  });

  it('refuses an event without a Call-ID', async () => {
    await expect(take({ ...event('', 'backup') }, CONTEXT)).rejects.toThrow(/callId/);
  });
});
