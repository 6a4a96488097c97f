/**
 * A warm registrar's remembered bindings item (issue 14: a refresh reads
 * nothing) against the real DynamoDB API (dynalite): two "containers" —
 * two BindingRepository instances on one table — update one user; a stale
 * copy never loses the other's write, and an answer without a write comes
 * from the store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BindingRepository } from '../../functions/src/registration/binding-repository.js';
import type { Binding } from '../../functions/src/registration/binding.js';
import { updateBindings } from '../../functions/src/registration/optimistic-update.js';
import { OnlineRepository } from '../../functions/src/reports/online-repository.js';
import { startLocalDynamo, TEST_TABLE, type LocalDynamo } from './local-dynamo.js';

const NOW = Date.parse('2026-12-03T09:00:00.000Z');
const aor = { tenantId: 'acme', ext: '1002' };

function binding(key: string, expiresAt: number): Binding {
  return { key, contact: `sip:1002@${key}`, params: {}, callId: key, cseq: 1, expiresAt, registeredAt: NOW, edgeId: 'e', bootId: 'b', protocol: 'udp', address: '127.0.0.1', port: 5060 };
}

/** Adds (or refreshes) one device, the way register does it. */
const addDevice = (repo: BindingRepository, key: string, now: number) =>
  updateBindings(repo, aor, now, (current) => {
    const save = [...current.filter((b) => b.key !== key), binding(key, now + 3_600_000)];
    return { save, result: save.map((b) => b.key).sort() };
  });

describe('the remembered bindings item of a warm registrar', () => {
  let db: LocalDynamo;
  let a: BindingRepository;
  let b: BindingRepository;

  beforeAll(async () => {
    db = await startLocalDynamo();
    const online = new OnlineRepository(db.doc, TEST_TABLE);
    a = new BindingRepository(db.doc, TEST_TABLE, online);
    b = new BindingRepository(db.doc, TEST_TABLE, online);
  });
  afterAll(async () => db?.close());

  it('a copy made stale by another container costs one failed write and a fresh read, never the other\'s device', async () => {
    expect(await addDevice(a, 'desk', NOW)).toEqual(['desk']);
    expect(await addDevice(b, 'mobile', NOW + 1_000)).toEqual(['desk', 'mobile']);
    // A still remembers version 1 (desk only): its refresh must keep the mobile that B added.
    expect(await addDevice(a, 'desk', NOW + 2_000)).toEqual(['desk', 'mobile']);
    expect((await b.loadBindings(aor, NOW + 3_000)).bindings.map((x) => x.key).sort()).toEqual(['desk', 'mobile']);
  });

  it('what nothing writes is answered from the store, not from the copy', async () => {
    await addDevice(a, 'desk', NOW + 4_000);
    await addDevice(b, 'softphone', NOW + 5_000);
    const listed = await updateBindings(a, aor, NOW + 6_000, (current) => ({ result: current.map((x) => x.key).sort() }));
    expect(listed).toEqual(['desk', 'mobile', 'softphone']);
  });

  it('the item carries the online interval: a refresh moves its end in the same write', async () => {
    const before = await a.loadBindings(aor, NOW + 7_000);
    await addDevice(a, 'desk', NOW + 600_000);
    const after = await a.loadBindings(aor, NOW + 600_000);
    expect(after.online?.from).toBe(before.online?.from);
    expect(Date.parse(after.online!.until)).toBe(NOW + 600_000 + 3_600_000);
    const intervals = await new OnlineRepository(db.doc, TEST_TABLE).listOnlineIntervals('acme', new Date(NOW).toISOString(), new Date(NOW + 3_600_000).toISOString());
    expect(intervals.filter((i) => i.ext === '1002')).toEqual([{ ext: '1002', from: before.online!.from, until: after.online!.until }]);
  });
});
