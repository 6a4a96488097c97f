/**
 * The embedded store on disk reads LevelDB on its own thread
 * (edge/src/local-stack/level-sync-reads.ts): the reads dynalite makes go
 * through classic-level's synchronous read, and the store still answers as
 * DynamoDB does — a read sees the write before it, a condition sees the
 * item it guards, UpdateItem's ALL_OLD is the item before the update, and
 * everything is there again after a restart on the same folder.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient, createDynamoClient } from '../../contracts/store/dynamo-client.js';
import { serveDynalite, type EmbeddedStore } from '../../edge/src/local-stack/embedded-store.js';
import { ensureTables } from '../../functions/src/store/ensure-table.js';

const TABLE = 'nimbus-level-reads';
const key = { pk: 'USER#t1#100', sk: 'PROFILE' };

/** The LevelDB class dynalite loads, with a count of its synchronous reads. */
function countSyncReads(): { reads: () => number; restore: () => void } {
  const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const proto = (fromDynalite('level') as { Level: { prototype: { _getSync: (...a: unknown[]) => unknown } } }).Level.prototype;
  const original = proto._getSync;
  let reads = 0;
  proto._getSync = function (this: unknown, ...args: unknown[]) {
    reads++;
    return original.apply(this, args);
  };
  return { reads: () => reads, restore: () => void (proto._getSync = original) };
}

describe('the embedded store on disk (LevelDB read on the store thread)', () => {
  let dir: string;
  let store: EmbeddedStore;
  const counter = countSyncReads();
  const open = async () => {
    store = await serveDynalite({ path: dir });
    return createDocumentClient({ inProcess: store.inProcess });
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nimbus-level-reads-'));
    store = await serveDynalite({ path: dir });
    const client = createDynamoClient({ inProcess: store.inProcess });
    await ensureTables(client, TABLE);
    client.destroy();
  });

  afterAll(async () => {
    counter.restore();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers reads, conditions and ALL_OLD from what was written, through the synchronous read', async () => {
    const doc = createDocumentClient({ inProcess: store.inProcess });
    const before = counter.reads();
    await doc.send(new PutCommand({ TableName: TABLE, Item: { ...key, ha1: 'a'.repeat(32), version: 1 }, ConditionExpression: 'attribute_not_exists(pk)' }));
    expect((await doc.send(new GetCommand({ TableName: TABLE, Key: key, ConsistentRead: true }))).Item).toMatchObject({ version: 1 });
    // The condition reads the item it guards: a second create is refused.
    await expect(
      doc.send(new PutCommand({ TableName: TABLE, Item: { ...key, version: 2 }, ConditionExpression: 'attribute_not_exists(pk)' })),
    ).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    const old = await doc.send(new UpdateCommand({ TableName: TABLE, Key: key, UpdateExpression: 'SET version = :v', ExpressionAttributeValues: { ':v': 3 }, ReturnValues: 'ALL_OLD' }));
    expect(old.Attributes).toMatchObject({ version: 1 });
    expect((await doc.send(new GetCommand({ TableName: TABLE, Key: key, ConsistentRead: true }))).Item).toMatchObject({ version: 3 });
    // Every request read the table's description and its item: all of it on this thread.
    expect(counter.reads() - before).toBeGreaterThanOrEqual(8);
    doc.destroy();
  });

  it('has everything again after a restart on the same folder', async () => {
    await store.close();
    const doc = await open();
    expect((await doc.send(new GetCommand({ TableName: TABLE, Key: key, ConsistentRead: true }))).Item).toMatchObject({ version: 3, ha1: 'a'.repeat(32) });
    doc.destroy();
  });
});
