/**
 * The edges' slot audits as the store keeps them (dynalite): one record per
 * edge, replaced by each audit, read back as the take at a user's limit reads
 * it; a list too long for one item is refused and the previous record stays.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CarriedCallsRepository, MAX_CARRIED_CALLS } from '../../functions/src/edges/carried-calls.js';
import { startLocalDynamo, TEST_TABLE, type LocalDynamo } from './local-dynamo.js';

describe('carried calls (the slot audit record, dynalite)', () => {
  let db: LocalDynamo;
  let repo: CarriedCallsRepository;

  beforeAll(async () => {
    db = await startLocalDynamo();
    repo = new CarriedCallsRepository(db.doc, TEST_TABLE);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('keeps the latest audit of each edge', async () => {
    expect(await repo.record({ edgeId: 'edge-a', bootId: 'a-1', callRefs: new Set(['r1', 'r2']), at: 1_000, graceMs: 120_000 })).toBe(true);
    expect(await repo.record({ edgeId: 'edge-b', bootId: 'b-1', callRefs: new Set(), at: 1_500, graceMs: 60_000 })).toBe(true);
    expect(await repo.record({ edgeId: 'edge-a', bootId: 'a-2', callRefs: new Set(['r3']), at: 2_000, graceMs: 120_000 })).toBe(true);
    const byEdge = new Map((await repo.list()).map((c) => [c.edgeId, c]));
    expect(byEdge.size).toBe(2);
    expect(byEdge.get('edge-a')).toEqual({ edgeId: 'edge-a', bootId: 'a-2', callRefs: new Set(['r3']), at: 2_000, graceMs: 120_000 });
    expect(byEdge.get('edge-b')).toEqual({ edgeId: 'edge-b', bootId: 'b-1', callRefs: new Set(), at: 1_500, graceMs: 60_000 });
  });

  it('refuses a list too long for one item and keeps the previous record', async () => {
    await repo.record({ edgeId: 'edge-c', bootId: 'c-1', callRefs: new Set(['kept']), at: 1_000, graceMs: 120_000 });
    const tooMany = new Set(Array.from({ length: MAX_CARRIED_CALLS + 1 }, (_, i) => `call-ref-${i}`));
    expect(await repo.record({ edgeId: 'edge-c', bootId: 'c-1', callRefs: tooMany, at: 2_000, graceMs: 120_000 })).toBe(false);
    expect((await repo.list()).find((c) => c.edgeId === 'edge-c')).toMatchObject({ at: 1_000, callRefs: new Set(['kept']) });
    // The most a record holds fits DynamoDB's 400 kB item: callRefs are UUIDs (edge/src/core/steps/authentication.ts).
    const most = new Set(Array.from({ length: MAX_CARRIED_CALLS }, () => randomUUID()));
    expect(await repo.record({ edgeId: 'edge-c', bootId: 'c-1', callRefs: most, at: 3_000, graceMs: 120_000 })).toBe(true);
    expect((await repo.list()).find((c) => c.edgeId === 'edge-c')?.callRefs.size).toBe(MAX_CARRIED_CALLS);
  });
});
