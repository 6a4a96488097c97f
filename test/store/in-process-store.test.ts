/**
 * The embedded store's in-process path (contracts/store/in-process-store.ts)
 * against dynalite over HTTP: the same requests, sent to two fresh in-memory
 * dynalites — one through its request listener in this process, one over
 * loopback TCP — get the same status, body and DynamoDB headers, errors and
 * conditional failures included; both paths reach one store; the store
 * observer counts in-process requests; an aborted request is given up;
 * closing lets requests under way finish and refuses later ones like a
 * closed port. The store contract
 * (test/store-contract/dynalite-in-process.test.ts) runs the operations
 * Nimbus relies on through this path.
 */
import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { HttpRequest, type HttpHandler } from '@smithy/core/protocols';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient, createDynamoClient } from '../../contracts/store/dynamo-client.js';
import { serveDynalite, type EmbeddedStore } from '../../edge/src/local-stack/embedded-store.js';
import { ensureTables } from '../../functions/src/store/ensure-table.js';

const TABLE = 'nimbus-in-process';
const SIGNED = {
  authorization: 'AWS4-HMAC-SHA256 Credential=nimbuslocal/20260105/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=00',
  'x-amz-date': '20260105T100000Z',
};

interface RawRequest {
  method?: string;
  target?: string;
  body?: string;
  headers?: Record<string, string>;
}

function httpRequest(store: EmbeddedStore, raw: RawRequest): HttpRequest {
  const url = new URL(store.endpoint);
  return new HttpRequest({
    method: raw.method ?? 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    headers: {
      host: url.host,
      'content-type': 'application/x-amz-json-1.0',
      ...(raw.target ? { 'x-amz-target': `DynamoDB_20120810.${raw.target}` } : {}),
      ...SIGNED,
      ...raw.headers,
    },
    ...(raw.body !== undefined ? { body: raw.body } : {}),
  });
}

interface Answer {
  status: number;
  headers: Record<string, string | undefined>;
  body: string;
}

/** What an SDK client reads of an answer: the status, the body and DynamoDB's own headers (not Node's Date, Connection). */
function answer(status: number, header: (name: string) => string | null | undefined, body: string): Answer {
  const names = ['content-type', 'content-length', 'x-amz-crc32'];
  return { status, headers: Object.fromEntries(names.map((n) => [n, header(n) ?? undefined])), body };
}

async function inProcess(store: EmbeddedStore, raw: RawRequest): Promise<Answer> {
  const { response } = await store.inProcess.requestHandler.handle(httpRequest(store, raw));
  expect(response.headers['x-amzn-requestid']).toMatch(/^[A-Z0-9]{52}$/);
  return answer(response.statusCode, (n) => response.headers[n], Buffer.from(response.body as Uint8Array).toString('utf8'));
}

async function overHttp(store: EmbeddedStore, raw: RawRequest): Promise<Answer> {
  const request = httpRequest(store, raw);
  const headers = { ...request.headers };
  delete headers.host;
  const res = await fetch(store.endpoint, { method: request.method, headers, ...(raw.body !== undefined ? { body: raw.body } : {}) });
  expect(res.headers.get('x-amzn-requestid')).toMatch(/^[A-Z0-9]{52}$/);
  return answer(res.status, (n) => res.headers.get(n), await res.text());
}

const item = (pk: string, extra: Record<string, unknown> = {}) => ({ pk: { S: pk }, sk: { S: 'item' }, ...extra });

/** A session of requests as the repositories send them, plus the malformed ones dynalite answers with errors. */
const SESSION: Array<[string, RawRequest]> = [
  ['a put', { target: 'PutItem', body: JSON.stringify({ TableName: TABLE, Item: item('u1', { v: { N: '1' } }) }) }],
  [
    'a put that loses its condition',
    { target: 'PutItem', body: JSON.stringify({ TableName: TABLE, Item: item('u1', { v: { N: '2' } }), ConditionExpression: 'attribute_not_exists(pk)' }) },
  ],
  [
    'a versioned update returning the new item',
    {
      target: 'UpdateItem',
      body: JSON.stringify({
        TableName: TABLE,
        Key: item('u1'),
        UpdateExpression: 'SET v = v + :one',
        ConditionExpression: 'v = :v',
        ExpressionAttributeValues: { ':one': { N: '1' }, ':v': { N: '1' } },
        ReturnValues: 'ALL_NEW',
      }),
    },
  ],
  ['a consistent get', { target: 'GetItem', body: JSON.stringify({ TableName: TABLE, Key: item('u1'), ConsistentRead: true }) }],
  ['a get of a missing item', { target: 'GetItem', body: JSON.stringify({ TableName: TABLE, Key: item('nobody') }) }],
  [
    'a query',
    {
      target: 'Query',
      body: JSON.stringify({ TableName: TABLE, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: 'u1' } } }),
    },
  ],
  ['a validation error', { target: 'GetItem', body: JSON.stringify({ TableName: 'x', Key: item('u1') }) }],
  ['a missing table', { target: 'GetItem', body: JSON.stringify({ TableName: 'no-such-table', Key: item('u1') }) }],
  ['a body that is not JSON', { target: 'GetItem', body: '{nope' }],
  ['an unknown operation', { target: 'FlyToTheMoon', body: '{}' }],
  ['a request without a signature', { target: 'GetItem', body: '{}', headers: { authorization: '' } }],
  ['the health check', { method: 'GET' }],
];

describe('the embedded store in-process', () => {
  let local: EmbeddedStore;
  let remote: EmbeddedStore;
  const clients: DynamoDBClient[] = [];

  beforeAll(async () => {
    [local, remote] = await Promise.all([serveDynalite(), serveDynalite()]);
    const a = createDynamoClient({ inProcess: local.inProcess });
    const b = createDynamoClient({ endpoint: remote.endpoint, env: {} });
    clients.push(a, b);
    await Promise.all([ensureTables(a, TABLE), ensureTables(b, TABLE)]);
  });

  afterAll(async () => {
    for (const c of clients) c.destroy();
    await Promise.all([local?.close(), remote?.close()]);
  });

  it.each(SESSION)('answers %s as dynalite does over HTTP', async (_, raw) => {
    const [mine, theirs] = [await inProcess(local, raw), await overHttp(remote, raw)];
    expect(mine).toEqual(theirs);
  });

  it('reaches the one store the HTTP port serves: written in-process, read over HTTP, and back', async () => {
    const near = createDocumentClient({ inProcess: local.inProcess });
    const far = createDocumentClient({ endpoint: local.endpoint, env: {} });
    clients.push(near, far);
    await near.send(new PutCommand({ TableName: TABLE, Item: { pk: 'both', sk: 'item', by: 'in-process' } }));
    expect((await far.send(new GetCommand({ TableName: TABLE, Key: { pk: 'both', sk: 'item' } }))).Item?.by).toBe('in-process');
    const lost = await near
      .send(new PutCommand({ TableName: TABLE, Item: { pk: 'both', sk: 'item' }, ConditionExpression: 'attribute_not_exists(pk)' }))
      .catch((err: Error) => err.name);
    expect(lost).toBe('ConditionalCheckFailedException');
    await far.send(new PutCommand({ TableName: TABLE, Item: { pk: 'both', sk: 'item', by: 'http' } }));
    expect((await near.send(new GetCommand({ TableName: TABLE, Key: { pk: 'both', sk: 'item' } }))).Item?.by).toBe('http');
  });

  it('sends the SDK request unsigned, SigV4-shaped, and tells the store observer about every request', async () => {
    const seen: Array<Record<string, string>> = [];
    const inner = local.inProcess.requestHandler;
    const requestHandler: HttpHandler = {
      handle: (request, options) => {
        seen.push({ ...request.headers });
        return inner.handle(request, options);
      },
      updateHttpClientConfig: () => undefined,
      httpHandlerConfigs: () => ({}),
    };
    const store = { endpoint: local.endpoint, requestHandler };
    const observed: Array<[string, boolean]> = [];
    const client = createDynamoClient({ inProcess: store, observe: (operation, _s, ok) => observed.push([operation, ok]) });
    clients.push(client);
    await client.send(new GetItemCommand({ TableName: TABLE, Key: item('u1') }));
    await client.send(new GetItemCommand({ TableName: 'no-such-table', Key: item('u1') })).catch(() => undefined);
    expect(observed).toEqual([
      ['GetItem', true],
      ['GetItem', false],
    ]);
    expect(seen[0]?.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=nimbuslocal\/\d{8}\/us-east-1\/dynamodb\/aws4_request, SignedHeaders=host;x-amz-date, Signature=0{64}$/);
    expect(seen[0]?.['x-amz-target']).toBe('DynamoDB_20120810.GetItem');
  });

  it('gives up a request whose caller aborts it, as the SDK expects of its HTTP handler', async () => {
    const controller = new AbortController();
    const pending = local.inProcess.requestHandler.handle(httpRequest(local, SESSION[3]![1]), { abortSignal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await expect(local.inProcess.requestHandler.handle(httpRequest(local, SESSION[3]![1]), { abortSignal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('lets a request under way finish when it closes, then refuses requests like a closed port', async () => {
    const store = await serveDynalite();
    const client = createDynamoClient({ inProcess: store.inProcess, env: {} });
    clients.push(client);
    await ensureTables(client, TABLE);
    // In the handler already (as a request the HTTP server has accepted), and the store still answers it.
    const underWay = store.inProcess.requestHandler.handle(httpRequest(store, SESSION[3]![1]));
    const closed = store.close();
    expect((await underWay).response.statusCode).toBe(200);
    await closed;
    const refused = await store.inProcess.requestHandler.handle(httpRequest(store, SESSION[3]![1])).catch((err: NodeJS.ErrnoException) => err.code);
    expect(refused).toBe('ECONNREFUSED');
  });
});
