/**
 * The DynamoDB operations Nimbus relies on, as one suite that every backend
 * must pass: the embedded emulator (dynalite), DynamoDB Local, and by
 * extension AWS. The architecture allows only operations that behave the
 * same everywhere; this is where "the same" is checked. Each test uses its
 * own partition keys, so the suite needs one table per backend.
 *
 * Clients come from the store adapter (contracts/store/dynamo-client.ts)
 * and the table from the shared definition (ensureTables → contracts/store/tables.ts).
 */
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BindingRepository } from '../../functions/src/registration/binding-repository.js';
import { UserWithBindingsReader } from '../../functions/src/registration/user-with-bindings.js';
import { CallSlotRepository } from '../../functions/src/calls/call-slot-repository.js';
import { TrunkUsageRepository } from '../../functions/src/trunks/trunk-usage-repository.js';
import { createDocumentClient, createDynamoClient } from '../../contracts/store/dynamo-client.js';
import type { InProcessStore } from '../../contracts/store/in-process-store.js';
import { ensureTables } from '../../functions/src/store/ensure-table.js';
import { PBX_TABLE, toCreateTableInput } from '../../contracts/store/tables.js';
import { binding, NOW } from '../unit/functions/fixtures.js';

export interface StoreBackend {
  endpoint: string;
  /** Set: the suite's clients reach the backend in-process (the local stack's path), not over `endpoint`. */
  inProcess?: InProcessStore;
  close(): Promise<void>;
}

const TABLE = 'nimbus-contract';

const conditionFailed = (err: unknown) => err instanceof Error && err.name === 'ConditionalCheckFailedException';

async function expectConditionFailure(write: Promise<unknown>): Promise<void> {
  const outcome = await write.then(
    () => 'succeeded',
    (err: unknown) => (conditionFailed(err) ? 'ConditionalCheckFailedException' : err),
  );
  expect(outcome).toBe('ConditionalCheckFailedException');
}

/** `enabled` false skips the suite (a backend whose tool is missing on a developer machine). */
export function describeStoreContract(name: string, start: () => Promise<StoreBackend>, enabled = true): void {
  describe.runIf(enabled)(`store contract: ${name}`, () => {
    let backend: StoreBackend;
    let client: DynamoDBClient;
    let doc: DynamoDBDocumentClient;

    beforeAll(async () => {
      backend = await start();
      const connection = backend.inProcess ? { inProcess: backend.inProcess } : { endpoint: backend.endpoint };
      client = createDynamoClient({ ...connection, region: 'eu-west-1' });
      doc = createDocumentClient({ ...connection, region: 'eu-west-1' });
      await ensureTables(client, TABLE);
    }, 60_000);

    afterAll(async () => {
      client?.destroy();
      doc?.destroy();
      await backend?.close();
    });

    it('creates the table from the shared definition, and creating it again is a no-op', async () => {
      await ensureTables(client, TABLE);
      const { Table } = await client.send(new DescribeTableCommand({ TableName: TABLE }));
      const expected = toCreateTableInput(PBX_TABLE, TABLE);
      expect(Table?.KeySchema).toEqual(expected.KeySchema);
      expect(Table?.GlobalSecondaryIndexes?.map((g) => ({ IndexName: g.IndexName, KeySchema: g.KeySchema }))).toEqual(
        expected.GlobalSecondaryIndexes!.map((g) => ({ IndexName: g.IndexName, KeySchema: g.KeySchema })),
      );
    });

    it('writes a versioned item only while the version is the expected one (optimistic concurrency)', async () => {
      const bindings = new BindingRepository(doc, TABLE);
      const aor = { tenantId: 'contract', ext: 'versioned' };
      const first = [binding({ key: 'a', expiresAt: NOW + 60_000 })];
      expect(await bindings.saveBindings(aor, first, 0, NOW)).toBe(true);
      expect(await bindings.saveBindings(aor, first, 0, NOW)).toBe(false); // someone else created it
      expect(await bindings.saveBindings(aor, [...first, binding({ key: 'b', expiresAt: NOW + 60_000 })], 1, NOW)).toBe(true);
      expect(await bindings.saveBindings(aor, first, 1, NOW)).toBe(false); // stale version
      const stored = await bindings.loadBindings(aor, NOW);
      expect(stored.version).toBe(2);
      expect(stored.bindings.map((b) => b.key)).toEqual(['a', 'b']);
    });

    it('reads a user and its bindings in one consistent BatchGetItem, the missing one absent (registration/user-with-bindings.ts)', async () => {
      const directory = { getUser: async () => undefined };
      const bindings = new BindingRepository(doc, TABLE);
      const reader = new UserWithBindingsReader(doc, TABLE, bindings, directory);
      const aor = { tenantId: 'contract', ext: 'batch' };
      await doc.send(new PutCommand({ TableName: TABLE, Item: { pk: 'TENANT#contract', sk: 'USER#batch', ext: 'batch', ha1: { MD5: 'm', 'SHA-256': 's' }, multiDevice: true, maxDevices: 2 } }));
      expect(await reader.getUser('contract', 'batch')).toMatchObject({ ext: 'batch', multiDevice: true, maxDevices: 2 });
      // No bindings item yet: remembered as "none", version 0.
      expect(await bindings.loadBindings(aor, NOW, { remembered: true })).toMatchObject({ bindings: [], version: 0, remembered: true });
      expect(await bindings.saveBindings(aor, [binding({ key: 'a', expiresAt: NOW + 60_000 })], 0, NOW)).toBe(true);
      const again = new BindingRepository(doc, TABLE);
      await new UserWithBindingsReader(doc, TABLE, again, directory).getUser('contract', 'batch');
      // Written a moment ago and read back at once: the batch read is strongly consistent.
      expect(await again.loadBindings(aor, NOW, { remembered: true })).toMatchObject({ version: 1, remembered: true });
    });

    it('reads its own writes with a consistent GetItem', async () => {
      const key = { pk: 'CONTRACT#counter', sk: 'N' };
      for (let n = 1; n <= 10; n++) {
        await doc.send(new PutCommand({ TableName: TABLE, Item: { ...key, n } }));
        const { Item } = await doc.send(new GetCommand({ TableName: TABLE, Key: key, ConsistentRead: true }));
        expect(Item?.n).toBe(n);
      }
    });

    it('updates with a version condition and reports a lost race as ConditionalCheckFailedException', async () => {
      const key = { pk: 'CONTRACT#slot', sk: 'SLOT' };
      const bump = (expected: number) =>
        doc.send(
          new UpdateCommand({
            TableName: TABLE,
            Key: key,
            UpdateExpression: 'SET #v = :next, #calls = if_not_exists(#calls, :zero) + :one',
            ConditionExpression: 'attribute_not_exists(#v) OR #v = :expected',
            ExpressionAttributeNames: { '#v': 'version', '#calls': 'calls' },
            ExpressionAttributeValues: { ':next': expected + 1, ':expected': expected, ':zero': 0, ':one': 1 },
            ReturnValues: 'ALL_NEW',
          }),
        );
      expect((await bump(0)).Attributes).toMatchObject({ version: 1, calls: 1 });
      expect((await bump(1)).Attributes).toMatchObject({ version: 2, calls: 2 });
      await expectConditionFailure(bump(1));
    });

    it('adds to a string set idempotently and deletes from it', async () => {
      const bindings = new BindingRepository(doc, TABLE);
      await bindings.addFlowAor('edge-c', 'flow-1', { tenantId: 'acme', ext: '1001' }, NOW + 60_000);
      await bindings.addFlowAor('edge-c', 'flow-1', { tenantId: 'acme', ext: '1002' }, NOW + 60_000);
      await bindings.addFlowAor('edge-c', 'flow-1', { tenantId: 'acme', ext: '1001' }, NOW + 60_000);
      expect((await bindings.listFlowAors('edge-c', 'flow-1')).map((a) => a.ext).sort()).toEqual(['1001', '1002']);

      const key = { pk: 'FLOW#edge-c#flow-1', sk: 'FLOW' };
      const remove = (aor: string) =>
        doc.send(new UpdateCommand({ TableName: TABLE, Key: key, UpdateExpression: 'DELETE #aors :aor', ExpressionAttributeNames: { '#aors': 'aors' }, ExpressionAttributeValues: { ':aor': new Set([aor]) } }));
      await remove('acme/1001');
      expect((await bindings.listFlowAors('edge-c', 'flow-1')).map((a) => a.ext)).toEqual(['1002']);
      await remove('acme/1002');
      // Deleting the last element removes the attribute: DynamoDB has no empty sets.
      const { Item } = await doc.send(new GetCommand({ TableName: TABLE, Key: key, ConsistentRead: true }));
      expect(Item).not.toHaveProperty('aors');
      await bindings.deleteFlow('edge-c', 'flow-1');
      expect(await bindings.listFlowAors('edge-c', 'flow-1')).toEqual([]);
    });

    it('admits into a set only below a limit with size() in the condition (call slots)', async () => {
      const key = { pk: 'CONTRACT#trunk', sk: 'SLOTS' };
      const take = (callId: string) =>
        doc.send(
          new UpdateCommand({
            TableName: TABLE,
            Key: key,
            UpdateExpression: 'ADD #slots :call',
            ConditionExpression: 'attribute_not_exists(#slots) OR size(#slots) < :max OR contains(#slots, :id)',
            ExpressionAttributeNames: { '#slots': 'slots' },
            ExpressionAttributeValues: { ':call': new Set([callId]), ':max': 2, ':id': callId },
          }),
        );
      await take('call-1');
      await take('call-2');
      await take('call-2'); // a retry of an admitted call is idempotent
      await expectConditionFailure(take('call-3'));
      const { Item } = await doc.send(new GetCommand({ TableName: TABLE, Key: key, ConsistentRead: true }));
      expect([...(Item?.slots as Set<string>)].sort()).toEqual(['call-1', 'call-2']);
    });

    it('takes a call slot with SET of a top-level entry and ADD of counters in one conditional write, creating the item; releases on the entry and its holder', async () => {
      const slots = new CallSlotRepository(doc, TABLE);
      const owner = { tenantId: 'contract', ext: '1001' };
      const entry = (callRef: string, direction: 'in' | 'out') => ({ callId: callRef, callRef, direction, edgeId: 'edge-c', bootId: 'c-1', since: NOW });
      const limits = { maxCalls: 2, maxOutgoingCalls: 1 };
      expect(await slots.take(owner, entry('call-1', 'out'), limits)).toBe(true);
      expect(await slots.take(owner, entry('call-1', 'out'), limits)).toBe(false); // held already
      expect(await slots.take(owner, entry('call-2', 'out'), limits)).toBe(false); // maxOutgoingCalls
      expect(await slots.take(owner, entry('call-2', 'in'), limits)).toBe(true);
      expect(await slots.take(owner, entry('call-3', 'in'), limits)).toBe(false); // maxCalls
      expect((await slots.load(owner)).counts).toEqual({ calls: 2, out: 1 });
      expect(await slots.remove(owner, { callRef: 'call-2', direction: 'in' }, { edgeId: 'edge-c', bootId: 'other-boot' })).toBe(false);
      expect(await slots.remove(owner, { callRef: 'call-2', direction: 'in' }, { edgeId: 'edge-c', bootId: 'c-1' })).toBe(true);
      expect(await slots.remove(owner, { callRef: 'call-1', direction: 'out' })).toBe(true);
      expect(await slots.remove(owner, { callRef: 'call-1', direction: 'out' })).toBe(false);
      expect(await slots.load(owner)).toEqual({ entries: [], counts: { calls: 0, out: 0 } });
    });

    it('refuses a nested SET under a missing map with ValidationException: a trunk\'s first take creates its item, then takes and releases are one write', async () => {
      const key = { pk: 'CONTRACT#nested', sk: 'MISSING' };
      const nested = doc.send(
        new UpdateCommand({ TableName: TABLE, Key: key, UpdateExpression: 'SET #m.#k = :v', ExpressionAttributeNames: { '#m': 'calls', '#k': 'c1' }, ExpressionAttributeValues: { ':v': 1 } }),
      );
      await expect(nested).rejects.toMatchObject({ name: 'ValidationException' });
      const usage = new TrunkUsageRepository(doc, TABLE);
      const ref = { tenantId: 'contract', trunkId: 'fresh' };
      const edge = { id: 'edge-c', bootId: 'c-1' };
      expect(await usage.take(ref, 'out', 'call-1', edge, { max: 1 }, NOW)).toEqual({ ok: true, alreadyHeld: false });
      expect(await usage.take(ref, 'out', 'call-2', edge, { max: 1 }, NOW)).toEqual({ ok: false, refusedBy: 'direction' });
      expect(await usage.release(ref, 'call-1', 'out')).toBe(true);
      expect(await usage.usage(ref)).toEqual({ in: 0, out: 0, total: 0 });
    });

    it('releases several nested leases with one conditional UpdateItem, and refuses it whole when one lease is gone (trunk releaseMany)', async () => {
      const usage = new TrunkUsageRepository(doc, TABLE);
      const ref = { tenantId: 'contract', trunkId: 'many' };
      const edge = { id: 'edge-c', bootId: 'c-1' };
      for (const [callRef, dir] of [['m1', 'in'], ['m2', 'out'], ['m3', 'in'], ['m4', 'in']] as const) {
        expect(await usage.take(ref, dir, callRef, edge, {}, NOW)).toEqual({ ok: true, alreadyHeld: false });
      }
      expect(await usage.releaseMany(ref, [{ callRef: 'm1', dir: 'in' }, { callRef: 'm2', dir: 'out' }])).toBe(2);
      expect(await usage.usage(ref)).toEqual({ in: 2, out: 0, total: 2 });
      // m1 is gone (and m4 named in the wrong direction): the batch write is refused, each is released on its own.
      expect(await usage.releaseMany(ref, [{ callRef: 'm1', dir: 'in' }, { callRef: 'm3', dir: 'in' }, { callRef: 'm4', dir: 'out' }])).toBe(2);
      expect(await usage.usage(ref)).toEqual({ in: 0, out: 0, total: 0 });
      expect(await usage.leases(ref)).toEqual({});
    });

    it('appends to a list, compares its size() in a condition and returns the new item (fail-to-ban window)', async () => {
      const key = { pk: 'CONTRACT#f2b', sk: 'FAILURES' };
      const append = (at: number) =>
        doc.send(
          new UpdateCommand({
            TableName: TABLE,
            Key: key,
            UpdateExpression: 'SET #times = list_append(if_not_exists(#times, :empty), :at)',
            ExpressionAttributeNames: { '#times': 'times' },
            ExpressionAttributeValues: { ':empty': [], ':at': [at] },
            ReturnValues: 'ALL_NEW',
          }),
        );
      await append(1);
      await append(2);
      expect((await append(3)).Attributes?.times).toEqual([1, 2, 3]);
      const trim = (length: number) =>
        doc.send(
          new UpdateCommand({
            TableName: TABLE,
            Key: key,
            UpdateExpression: 'SET #times = :keep',
            ConditionExpression: 'size(#times) = :length',
            ExpressionAttributeNames: { '#times': 'times' },
            ExpressionAttributeValues: { ':keep': [3], ':length': length },
          }),
        );
      await expectConditionFailure(trim(2));
      await trim(3);
      const { Item } = await doc.send(new GetCommand({ TableName: TABLE, Key: key, ConsistentRead: true }));
      expect(Item?.times).toEqual([3]);
    });

    it('queries gsi1 by a time range in order, both directions, page by page', async () => {
      const times = ['2025-01-15T09:59:59.999Z', '2025-01-15T10:00:00.000Z', '2025-01-15T10:20:00.000Z', '2025-01-15T10:40:00.000Z', '2025-01-15T11:00:00.000Z'];
      for (const [i, t] of times.entries()) {
        await doc.send(new PutCommand({ TableName: TABLE, Item: { pk: `CONTRACT#cdr#${i}`, sk: 'CDR', gsi1pk: 'CONTRACT#CDR#acme', gsi1sk: `${t}#call-${i}` } }));
      }
      await doc.send(new PutCommand({ TableName: TABLE, Item: { pk: 'CONTRACT#cdr#other', sk: 'CDR', gsi1pk: 'CONTRACT#CDR#globex', gsi1sk: `${times[2]}#x` } }));
      const query = (forward: boolean, startKey?: Record<string, unknown>) =>
        doc.send(
          new QueryCommand({
            TableName: TABLE,
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to',
            ExpressionAttributeValues: { ':pk': 'CONTRACT#CDR#acme', ':from': '2025-01-15T10:00:00.000Z', ':to': '2025-01-15T11:00:00.000Z' },
            ScanIndexForward: forward,
            Limit: 2,
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
      const all = async (forward: boolean) => {
        const out: string[] = [];
        let startKey: Record<string, unknown> | undefined;
        do {
          const page = await query(forward, startKey);
          out.push(...(page.Items ?? []).map((item) => String(item.gsi1sk)));
          startKey = page.LastEvaluatedKey;
        } while (startKey);
        return out;
      };
      // [10:00, 11:00): the 11:00 call sorts after the bare bound "…11:00:00.000Z".
      const hour = ['2025-01-15T10:00:00.000Z#call-1', '2025-01-15T10:20:00.000Z#call-2', '2025-01-15T10:40:00.000Z#call-3'];
      expect(await all(true)).toEqual(hour);
      expect(await all(false)).toEqual([...hour].reverse());
    });

    it('queries a partition with a consistent read and deletes an item returning what it held (ban list)', async () => {
      for (const address of ['192.0.2.1', '192.0.2.2']) {
        await doc.send(
          new PutCommand({
            TableName: TABLE,
            Item: { pk: 'CONTRACT#BANS', sk: `BAN#${address}`, address, until: NOW + 1000 },
            ConditionExpression: 'attribute_not_exists(pk) OR #until <= :now',
            ExpressionAttributeNames: { '#until': 'until' },
            ExpressionAttributeValues: { ':now': NOW },
          }),
        );
      }
      const list = async () =>
        (
          await doc.send(
            new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'CONTRACT#BANS' }, ConsistentRead: true }),
          )
        ).Items?.map((i) => i.address);
      expect(await list()).toEqual(['192.0.2.1', '192.0.2.2']);
      const removed = await doc.send(new DeleteCommand({ TableName: TABLE, Key: { pk: 'CONTRACT#BANS', sk: 'BAN#192.0.2.1' }, ReturnValues: 'ALL_OLD' }));
      expect(removed.Attributes).toMatchObject({ address: '192.0.2.1', until: NOW + 1000 });
      expect(await list()).toEqual(['192.0.2.2']);
    });
  });
}
