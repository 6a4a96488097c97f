/**
 * The embedded store on its own worker thread (edge/src/local-stack/store-thread-client.ts;
 * issue 14: both cores used): the stack's in-process clients and a client
 * over the loopback port reach one store; conditional failures come back as
 * the SDK's typed errors; closing flushes LevelDB, so a store started again
 * on the same folder has the data (nothing lost on a restart); after close
 * every request fails like a refused connection; an aborted request is
 * given up. The operations Nimbus relies on run through this path in the
 * store contract (test/store-contract/dynalite-thread.test.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { HttpRequest } from '@smithy/core/protocols';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient, createDynamoClient } from '../../contracts/store/dynamo-client.js';
import { startEmbeddedStore } from '../../edge/src/local-stack/embedded-store.js';
import { ensureTables } from '../../functions/src/store/ensure-table.js';

const TABLE = 'nimbus-store-thread';

describe('the embedded store on its own thread', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nimbus-store-thread-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the in-process clients and the loopback port as one store; a restart on the same folder keeps the data', async () => {
    const store = await startEmbeddedStore(dir, 0);
    const requests: string[] = [];
    const local = createDocumentClient({ inProcess: store.inProcess, observe: (op) => requests.push(op) });
    const overTcp = createDocumentClient({ endpoint: store.endpoint, env: {} });
    const admin = createDynamoClient({ inProcess: store.inProcess });
    try {
      await ensureTables(admin, TABLE);
      await local.send(new PutCommand({ TableName: TABLE, Item: { pk: 'T', sk: 'a', n: 1 } }));
      expect((await overTcp.send(new GetCommand({ TableName: TABLE, Key: { pk: 'T', sk: 'a' } }))).Item).toEqual({ pk: 'T', sk: 'a', n: 1 });
      await overTcp.send(new PutCommand({ TableName: TABLE, Item: { pk: 'T', sk: 'b', n: 2 } }));
      expect((await local.send(new GetCommand({ TableName: TABLE, Key: { pk: 'T', sk: 'b' }, ConsistentRead: true }))).Item).toMatchObject({ n: 2 });
      // A condition that fails on the store's thread is the SDK's typed error here.
      await expect(
        local.send(new PutCommand({ TableName: TABLE, Item: { pk: 'T', sk: 'a', n: 3 }, ConditionExpression: 'attribute_not_exists(pk)' })),
      ).rejects.toBeInstanceOf(ConditionalCheckFailedException);
      expect(requests).toEqual(['PutItem', 'GetItem', 'PutItem']);
    } finally {
      local.destroy();
      overTcp.destroy();
      admin.destroy();
      await store.close();
    }

    const again = await startEmbeddedStore(dir, 0);
    const doc = createDocumentClient({ inProcess: again.inProcess });
    try {
      expect((await doc.send(new GetCommand({ TableName: TABLE, Key: { pk: 'T', sk: 'a' }, ConsistentRead: true }))).Item).toEqual({ pk: 'T', sk: 'a', n: 1 });
    } finally {
      doc.destroy();
      await again.close();
    }
  });

  it('refuses requests after close like a closed port, and gives up an aborted request', async () => {
    const store = await startEmbeddedStore(join(dir, 'second'), 0);
    const admin = createDynamoClient({ inProcess: store.inProcess });
    await ensureTables(admin, TABLE);
    const request = new HttpRequest({ method: 'POST', protocol: 'http:', hostname: '127.0.0.1', path: '/', headers: { 'x-amz-target': 'DynamoDB_20120810.ListTables' }, body: '{}' });
    const aborted = new AbortController();
    aborted.abort();
    await expect(store.inProcess.requestHandler.handle(request, { abortSignal: aborted.signal })).rejects.toMatchObject({ name: 'AbortError' });
    await store.close();
    await expect(store.inProcess.requestHandler.handle(request)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    admin.destroy();
  });
});
