import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConditionalCheckFailedException, GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, createDynamoClient } from '../../contracts/store/dynamo-client.js';
import { ensureTables } from '../../functions/src/store/ensure-table.js';
import { serveDynalite } from '../../edge/src/local-stack/embedded-store.js';

const TABLE = 'nimbus-cached-doc-test';

/**
 * The repositories' document client (contracts/store/cached-document-client.ts)
 * sends lib-dynamodb's commands as low-level ones on a client that resolves
 * its middleware once per operation. What it writes and reads must be what
 * lib-dynamodb's own client writes and reads, item for item (real dynalite).
 */
describe('the cached document client', () => {
  let store: Awaited<ReturnType<typeof serveDynalite>>;
  let doc: DynamoDBDocumentClient;
  /** lib-dynamodb as it comes: the reference. */
  let plain: DynamoDBDocumentClient;

  beforeAll(async () => {
    store = await serveDynalite();
    const client = createDynamoClient({ inProcess: store.inProcess });
    await ensureTables(client, TABLE);
    client.destroy();
    doc = createDocumentClient({ inProcess: store.inProcess });
    plain = DynamoDBDocumentClient.from(createDynamoClient({ inProcess: store.inProcess }), { marshallOptions: { removeUndefinedValues: true } });
  });
  afterAll(async () => {
    doc?.destroy();
    plain?.destroy();
    await store?.close();
  });

  const item = (sk: string) => ({
    pk: 'T#cached',
    sk,
    text: 'héllo',
    count: 42,
    ratio: 0.5,
    on: true,
    nothing: null,
    list: [1, 'two', { three: 3 }],
    map: { nested: { deep: ['x'] }, empty: {} },
    dropped: undefined,
  });
  const { dropped: _dropped, ...stored } = item('x');
  const storedAs = (sk: string) => ({ ...stored, sk });

  it('writes items lib-dynamodb reads back unchanged, undefined attributes left out', async () => {
    await doc.send(new PutCommand({ TableName: TABLE, Item: item('put-1') }));
    const read = await plain.send(new GetCommand({ TableName: TABLE, Key: { pk: 'T#cached', sk: 'put-1' }, ConsistentRead: true }));
    expect(read.Item).toEqual(storedAs('put-1'));
    expect(read.Item).not.toHaveProperty('dropped');
  });

  it('reads what lib-dynamodb wrote, by Get, Query and BatchGet', async () => {
    await plain.send(new PutCommand({ TableName: TABLE, Item: item('q-1') }));
    await plain.send(new PutCommand({ TableName: TABLE, Item: item('q-2') }));
    const got = await doc.send(new GetCommand({ TableName: TABLE, Key: { pk: 'T#cached', sk: 'q-1' }, ConsistentRead: true }));
    expect(got.Item).toEqual(storedAs('q-1'));

    const page = await doc.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :q)',
        ExpressionAttributeValues: { ':pk': 'T#cached', ':q': 'q-' },
        Limit: 1,
      }),
    );
    expect(page.Items).toEqual([storedAs('q-1')]);
    expect(page.LastEvaluatedKey).toEqual({ pk: 'T#cached', sk: 'q-1' });
    const next = await doc.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :q)',
        ExpressionAttributeValues: { ':pk': 'T#cached', ':q': 'q-' },
        ExclusiveStartKey: page.LastEvaluatedKey,
      }),
    );
    expect(next.Items).toEqual([storedAs('q-2')]);

    const batch = await doc.send(
      new BatchGetCommand({ RequestItems: { [TABLE]: { Keys: [{ pk: 'T#cached', sk: 'q-1' }, { pk: 'T#cached', sk: 'q-2' }, { pk: 'T#cached', sk: 'none' }] } } }),
    );
    expect(batch.Responses?.[TABLE]?.map((i) => i.sk).sort()).toEqual(['q-1', 'q-2']);
    expect(batch.Responses?.[TABLE]?.find((i) => i.sk === 'q-2')).toEqual(storedAs('q-2'));
    expect(batch.UnprocessedKeys ?? {}).toEqual({});
  });

  it('updates and deletes with conditions, returning the attributes; a failed condition is the SDK’s own error', async () => {
    await doc.send(new PutCommand({ TableName: TABLE, Item: item('u-1') }));
    const updated = await doc.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: { pk: 'T#cached', sk: 'u-1' },
        UpdateExpression: 'SET #c = #c + :one, #m.#n = :n',
        ConditionExpression: '#c = :was',
        ExpressionAttributeNames: { '#c': 'count', '#m': 'map', '#n': 'added' },
        ExpressionAttributeValues: { ':one': 1, ':was': 42, ':n': { at: [1, 2] } },
        ReturnValues: 'ALL_NEW',
      }),
    );
    expect(updated.Attributes).toMatchObject({ count: 43, map: { nested: { deep: ['x'] }, empty: {}, added: { at: [1, 2] } } });

    await expect(
      doc.send(
        new UpdateCommand({
          TableName: TABLE,
          Key: { pk: 'T#cached', sk: 'u-1' },
          UpdateExpression: 'SET #c = :z',
          ConditionExpression: '#c = :was',
          ExpressionAttributeNames: { '#c': 'count' },
          ExpressionAttributeValues: { ':z': 0, ':was': 42 },
        }),
      ),
    ).rejects.toBeInstanceOf(ConditionalCheckFailedException);

    const deleted = await doc.send(new DeleteCommand({ TableName: TABLE, Key: { pk: 'T#cached', sk: 'u-1' }, ReturnValues: 'ALL_OLD' }));
    expect(deleted.Attributes).toMatchObject({ sk: 'u-1', count: 43 });
    expect((await plain.send(new GetCommand({ TableName: TABLE, Key: { pk: 'T#cached', sk: 'u-1' }, ConsistentRead: true }))).Item).toBeUndefined();
  });

  it('writes and deletes in one batch', async () => {
    await plain.send(new PutCommand({ TableName: TABLE, Item: item('b-old') }));
    const out = await doc.send(
      new BatchWriteCommand({
        RequestItems: {
          [TABLE]: [{ PutRequest: { Item: item('b-1') } }, { PutRequest: { Item: item('b-2') } }, { DeleteRequest: { Key: { pk: 'T#cached', sk: 'b-old' } } }],
        },
      }),
    );
    expect(out.UnprocessedItems ?? {}).toEqual({});
    const batch = await plain.send(
      new BatchGetCommand({ RequestItems: { [TABLE]: { Keys: ['b-1', 'b-2', 'b-old'].map((sk) => ({ pk: 'T#cached', sk })), ConsistentRead: true } } }),
    );
    expect(batch.Responses?.[TABLE]?.map((i) => i.sk).sort()).toEqual(['b-1', 'b-2']);
  });

  it('sends every command’s own input, resolving the middleware once per operation (what lib-dynamodb’s own cache would get wrong)', async () => {
    for (let i = 0; i < 5; i++) await plain.send(new PutCommand({ TableName: TABLE, Item: { pk: 'T#cached', sk: `own-${i}`, n: i } }));
    const resolve = vi.spyOn(GetItemCommand.prototype, 'resolveMiddleware');
    try {
      const reads = [];
      for (let i = 0; i < 5; i++) reads.push((await doc.send(new GetCommand({ TableName: TABLE, Key: { pk: 'T#cached', sk: `own-${i}` } }))).Item?.n);
      // Concurrent ones too: the cached handler is shared.
      reads.push(...(await Promise.all([4, 3, 2].map(async (i) => (await doc.send(new GetCommand({ TableName: TABLE, Key: { pk: 'T#cached', sk: `own-${i}` } }))).Item?.n))));
      expect(reads).toEqual([0, 1, 2, 3, 4, 4, 3, 2]);
      expect(resolve.mock.calls.length).toBeLessThanOrEqual(1);
    } finally {
      resolve.mockRestore();
    }
  });

  it('keeps working after a command that took the usual path (per-request options)', async () => {
    // lib-dynamodb writes its defaults into the options it is given; the cached path must not share them.
    const viaOptions = await doc.send(new PutCommand({ TableName: TABLE, Item: item('opt-1') }), { abortSignal: new AbortController().signal });
    expect(viaOptions.$metadata.httpStatusCode).toBe(200);
    const read = await doc.send(new GetCommand({ TableName: TABLE, Key: { pk: 'T#cached', sk: 'opt-1' }, ConsistentRead: true }));
    expect(read.Item).toEqual(storedAs('opt-1'));
  });
});
