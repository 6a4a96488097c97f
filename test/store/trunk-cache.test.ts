/**
 * The warm function's trunk cache (functions/src/trunks/cached-trunks.ts;
 * issue 14: an INVITE's trunk lookups answered from memory) over the real
 * trunk repository on dynalite: a second lookup of the same source, of the
 * registering lines or of a tenant's trunks costs no store request; "no
 * trunk here" is remembered too; a trunk added or deleted is seen at once
 * after directory.changed for a trunk, and within the TTL without it; a
 * user's change keeps the cache; a failed read is not remembered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../contracts/store/dynamo-client.js';
import { directoryChangedEvent } from '../../contracts/bus/directory-events.js';
import { CachedTrunks } from '../../functions/src/trunks/cached-trunks.js';
import { TrunkRepository } from '../../functions/src/trunks/trunk-repository.js';
import type { Trunk } from '../../contracts/trunk.js';
import { startLocalDynamo, TEST_TABLE, type LocalDynamo } from './local-dynamo.js';

const carrier = (id: string, port: number): Trunk => ({
  tenantId: 'acme', id, kind: 'ip', host: '127.0.0.1', port, transport: 'udp', expires: 3600, callerId: 'from', routes: [{ prefix: '9', strip: 1, prepend: '' }], dids: { '5551000': '1001' },
});

describe('the trunk cache of a warm function (dynalite)', () => {
  let db: LocalDynamo;
  let repo: TrunkRepository;
  const requests: string[] = [];
  let clock = Date.parse('2026-12-03T14:00:00.000Z');

  beforeAll(async () => {
    db = await startLocalDynamo();
    repo = new TrunkRepository(createDocumentClient({ endpoint: db.endpoint, env: {}, observe: (op) => requests.push(op) }), TEST_TABLE);
  });
  afterAll(async () => db?.close());

  const change = (kind: 'trunk' | 'user', id: string) => directoryChangedEvent({ tenantId: 'acme', kind, id, op: 'created' }, new Date(clock)).detail;

  it('answers repeated lookups from memory, "no trunk" included, and sees a change at once when told, within the TTL when not', async () => {
    const cache = new CachedTrunks(repo, { ttlMs: 5_000, now: () => clock });
    const sent = () => requests.length;

    expect(await cache.findTrunkBySource('127.0.0.1', 5070, '5551000')).toBeUndefined();
    await cache.listRegisteringTrunks();
    await cache.listTrunks('acme');
    const afterFirst = sent();
    expect(afterFirst).toBe(3);
    expect(await cache.findTrunkBySource('127.0.0.1', 5070, '5551000')).toBeUndefined();
    await cache.listRegisteringTrunks();
    await cache.listTrunks('acme');
    expect(sent()).toBe(afterFirst);

    // A trunk appears at that source. Without an event the cache still says "none" until its TTL …
    await repo.putTrunk(carrier('carrier1', 5070), 0);
    clock += 4_000;
    expect(await cache.findTrunkBySource('127.0.0.1', 5070, '5551000')).toBeUndefined();
    clock += 1_000;
    expect(await cache.findTrunkBySource('127.0.0.1', 5070, '5551000')).toMatchObject({ id: 'carrier1' });

    // … and with directory.changed for a trunk it is read again at once; a user's change keeps what is cached.
    expect(await cache.findTrunkBySource('127.0.0.1', 5071)).toBeUndefined();
    await repo.putTrunk(carrier('carrier2', 5071), 1);
    cache.changed(change('user', '1001'));
    expect(await cache.findTrunkBySource('127.0.0.1', 5071)).toBeUndefined();
    cache.changed(change('trunk', 'carrier2'));
    expect(await cache.findTrunkBySource('127.0.0.1', 5071)).toMatchObject({ id: 'carrier2' });
    expect((await cache.listTrunks('acme')).map((t) => t.id)).toEqual(['carrier1', 'carrier2']);
  });

  it('does not remember a failed read', async () => {
    let fail = true;
    const flaky = {
      listTrunks: async () => [],
      listRegisteringTrunks: async () => [],
      findTrunksBySource: async () => {
        if (fail) throw new Error('store unavailable');
        return [carrier('carrier1', 5070)];
      },
    };
    const cache = new CachedTrunks(flaky, { ttlMs: 60_000, now: () => clock });
    await expect(cache.findTrunkBySource('127.0.0.1', 5070)).rejects.toThrow('store unavailable');
    fail = false;
    expect(await cache.findTrunkBySource('127.0.0.1', 5070)).toMatchObject({ id: 'carrier1' });
  });
});
