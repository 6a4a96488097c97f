/**
 * The embedded store parses each expression once
 * (edge/src/local-stack/dynalite-expression-cache.ts) and still answers
 * every request as DynamoDB does: each request's own values, counters that
 * count, and the validation errors dynalite gives — a value of the wrong
 * type, an unused placeholder, BETWEEN bounds out of order — also for an
 * expression it has seen before.
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useExpressionCache } from '../../edge/src/local-stack/dynalite-expression-cache.js';
import { startLocalDynamo, TEST_TABLE as TABLE, type LocalDynamo } from './local-dynamo.js';

describe('the embedded store with its expression cache', () => {
  let db: LocalDynamo;
  let doc: LocalDynamo['doc'];

  beforeAll(async () => {
    db = await startLocalDynamo();
    doc = db.doc;
  });

  afterAll(async () => {
    await db?.close();
  });

  it('is on: the parsers dynalite loads are the cached ones', () => {
    expect(useExpressionCache()).toBe(true);
  });

  const key = (n: number) => ({ pk: `CACHE#${n}`, sk: 'ITEM' });
  const get = async (n: number) => (await doc.send(new GetCommand({ TableName: TABLE, Key: key(n), ConsistentRead: true }))).Item;

  it('gives every request its own values for the same expression', async () => {
    for (let n = 1; n <= 3; n++) {
      await doc.send(
        new UpdateCommand({
          TableName: TABLE,
          Key: key(n),
          UpdateExpression: 'SET #caller = :caller, #tags = :tags, #at = :at',
          ExpressionAttributeNames: { '#caller': 'caller', '#tags': 'tags', '#at': 'at' },
          ExpressionAttributeValues: { ':caller': `10${n}`, ':tags': { first: `t${n}` }, ':at': n * 1000 },
        }),
      );
    }
    expect(await get(1)).toMatchObject({ caller: '101', tags: { first: 't1' }, at: 1000 });
    expect(await get(3)).toMatchObject({ caller: '103', tags: { first: 't3' }, at: 3000 });
  });

  it('counts: a SET resolved against the item is resolved again for the next request', async () => {
    const bump = () =>
      doc.send(
        new UpdateCommand({
          TableName: TABLE,
          Key: key(10),
          UpdateExpression: 'SET #count = if_not_exists(#count, :zero) + :one',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':zero': 0, ':one': 1 },
        }),
      );
    for (let i = 0; i < 4; i++) await bump();
    expect(await get(10)).toMatchObject({ count: 4 });
  });

  it('checks every request condition against its own value', async () => {
    await doc.send(new PutCommand({ TableName: TABLE, Item: { ...key(20), version: 1 } }));
    const putIf = (expected: number, next: number) =>
      doc.send(
        new PutCommand({
          TableName: TABLE,
          Item: { ...key(20), version: next },
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': expected },
        }),
      );
    await putIf(1, 2);
    await expect(putIf(1, 3)).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    await putIf(2, 3);
    expect(await get(20)).toMatchObject({ version: 3 });
  });

  it('still refuses a value of the wrong type for an expression it has parsed before', async () => {
    const add = (one: unknown) =>
      doc.send(
        new UpdateCommand({
          TableName: TABLE,
          Key: key(30),
          UpdateExpression: 'SET #n = if_not_exists(#n, :one) + :one',
          ExpressionAttributeNames: { '#n': 'n' },
          ExpressionAttributeValues: { ':one': one },
        }),
      );
    await add(1);
    await expect(add('1')).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringMatching(/operand type/i) });
  });

  it('still refuses an unused placeholder, whatever the request parsed before it', async () => {
    const names = { '#a': 'a' };
    // First the condition shares #a with the update: its own parse marks #a as used too.
    await doc.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: key(40),
        UpdateExpression: 'SET #a = :v',
        ConditionExpression: 'attribute_not_exists(#a)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ':v': 1 },
      }),
    );
    // Then the same condition with an update that does not use #a: the cached condition must still use it.
    await doc.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: key(41),
        UpdateExpression: 'SET b = :v',
        ConditionExpression: 'attribute_not_exists(#a)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ':v': 2 },
      }),
    );
    expect(await get(41)).toMatchObject({ b: 2 });
    await expect(
      doc.send(
        new UpdateCommand({
          TableName: TABLE,
          Key: key(42),
          UpdateExpression: 'SET b = :v',
          ExpressionAttributeValues: { ':v': 3, ':spare': 4 },
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringMatching(/unused in expressions.*:spare/) });
  });

  it('still checks BETWEEN bounds, which depend on the values themselves', async () => {
    const between = (low: number, high: number) =>
      doc.send(
        new UpdateCommand({
          TableName: TABLE,
          Key: key(50),
          UpdateExpression: 'SET #seen = :now',
          ConditionExpression: 'attribute_not_exists(#n) OR #n BETWEEN :low AND :high',
          ExpressionAttributeNames: { '#n': 'n', '#seen': 'seen' },
          ExpressionAttributeValues: { ':now': 1, ':low': low, ':high': high },
        }),
      );
    await expect(between(1, 9)).resolves.toBeDefined();
    await expect(between(9, 1)).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringMatching(/upper bound/) });
  });
});
