import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ecsTaskPrivateAddress } from '../../edge/src/ecs-task-address.js';

/** In the cloud an edge tells other edges its task's private address, read from the ECS task metadata endpoint. */
describe('ECS task private address', () => {
  let server: http.Server;
  let base: string;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/v4/abc/task') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ Containers: [{ Name: 'edge', Networks: [{ NetworkMode: 'awsvpc', IPv4Addresses: ['10.0.3.17'] }] }] }));
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('reads the first IPv4 address of the task', async () => {
    expect(await ecsTaskPrivateAddress({ ECS_CONTAINER_METADATA_URI_V4: `${base}/v4/abc` })).toBe('10.0.3.17');
  });

  it('is undefined outside ECS or when the endpoint fails', async () => {
    expect(await ecsTaskPrivateAddress({})).toBeUndefined();
    expect(await ecsTaskPrivateAddress({ ECS_CONTAINER_METADATA_URI_V4: `${base}/v4/missing` })).toBeUndefined();
  });
});
