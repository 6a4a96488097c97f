/**
 * A tiny HTTP server that answers the three AWS APIs the cloud edge talks to,
 * the way the real endpoints (and LocalStack) do on the wire:
 *   Lambda Invoke        POST /2015-03-31/functions/<name>/invocations (payload in, payload out)
 *   EventBridge PutEvents  POST /  X-Amz-Target: AWSEvents.PutEvents   (JSON 1.1)
 *   DynamoDB DescribeTable, Query, GetItem  POST /  X-Amz-Target: DynamoDB_20120810.<op> (JSON 1.0)
 * Every request is recorded so tests can check what the adapters sent.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubRequest {
  method: string;
  path: string;
  target?: string;
  body: string;
}

/** What a stubbed function answers: a payload, or an unhandled error (X-Amz-Function-Error). */
export type FunctionAnswer = { payload: unknown } | { error: { errorType: string; errorMessage: string } };

export interface AwsStub {
  endpoint: string;
  requests: StubRequest[];
  /** Invocations of the function named `name`, their JSON payloads. */
  invocations(name: string): unknown[];
  close(): Promise<void>;
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

/**
 * `tableItems` (DynamoDB JSON) answer Query by partition key and GetItem by
 * key, for the edge's ban cache.
 */
export async function startAwsStub(
  answer: (functionName: string, event: unknown) => FunctionAnswer,
  tableItems: Record<string, { S?: string; N?: string }>[] = [],
): Promise<AwsStub> {
  const requests: StubRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const target = req.headers['x-amz-target'] as string | undefined;
      const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
      requests.push({ method: req.method ?? '', path, ...(target ? { target } : {}), body });

      const invoke = INVOKE_PATH.exec(path);
      if (req.method === 'POST' && invoke) {
        const result = answer(invoke[1]!, body ? JSON.parse(body) : null);
        const headers: Record<string, string> = { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST' };
        if ('error' in result) headers['x-amz-function-error'] = 'Unhandled';
        res.writeHead(200, headers);
        res.end(JSON.stringify('error' in result ? result.error : result.payload));
        return;
      }
      if (target === 'AWSEvents.PutEvents') {
        const entries = (JSON.parse(body) as { Entries: unknown[] }).Entries;
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ FailedEntryCount: 0, Entries: entries.map((_e, i) => ({ EventId: `event-${i}` })) }));
        return;
      }
      if (target === 'DynamoDB_20120810.Query') {
        const { ExpressionAttributeValues } = JSON.parse(body) as { ExpressionAttributeValues: Record<string, { S: string }> };
        const partition = Object.values(ExpressionAttributeValues)[0]?.S;
        const items = tableItems.filter((item) => item.pk?.S === partition);
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ Items: items, Count: items.length, ScannedCount: items.length }));
        return;
      }
      if (target === 'DynamoDB_20120810.GetItem') {
        const { Key } = JSON.parse(body) as { Key: { pk: { S: string }; sk: { S: string } } };
        const item = tableItems.find((i) => i.pk?.S === Key.pk.S && i.sk?.S === Key.sk.S);
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify(item ? { Item: item } : {}));
        return;
      }
      if (target === 'DynamoDB_20120810.DescribeTable') {
        const { TableName } = JSON.parse(body) as { TableName: string };
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ Table: { TableName, TableStatus: 'ACTIVE' } }));
        return;
      }
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ __type: 'UnknownOperationException', message: `stub does not answer ${target ?? path}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    invocations: (name) =>
      requests.filter((r) => r.path === `/2015-03-31/functions/${name}/invocations`).map((r) => JSON.parse(r.body) as unknown),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Credentials and region for SDK clients pointed at the stub (it checks no signature). */
export const STUB_AWS_ENV = { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'stubkey', AWS_SECRET_ACCESS_KEY: 'stubsecret' };
