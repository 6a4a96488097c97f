/**
 * The edge in cloud mode, as the container runs it: the esbuild bundle of
 * edge/src/cloud-main.ts on plain Node.js from an empty folder (no
 * node_modules), with the Lambda invoker, the EventBridge bus and the store
 * check pointed at a stub of the AWS APIs. A phone's REGISTER over UDP must
 * come back with the reply the (stubbed) register Lambda returned, and an
 * address banned in the (stubbed) store must get nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegisterEvent, RegisterResult } from '../../contracts/function-events.js';
import { buildEdge } from '../../edge/build.js';
import { EDGE_READABLE_PARTITIONS } from '../../infra/function-catalog.js';
import { getHeader } from '../../sip/index.js';
import { freePort } from '../support/free-port.js';
import { asResponse, udpClient } from '../support/raw-sip-client.js';
import { registerRequest } from '../support/register-request.js';
import { startAwsStub, STUB_AWS_ENV, type AwsStub } from './aws-stub.js';

const CHALLENGE: RegisterResult = {
  reply: {
    status: 401,
    reason: 'Unauthorized',
    headers: [{ name: 'WWW-Authenticate', value: 'Digest realm="stub.test", nonce="from-the-stub", algorithm=MD5, qop="auth"' }],
  },
  auth: { outcome: 'challenge', tenantId: 'stub' },
};

/** A ban in the store (DynamoDB JSON, as functions/src/fail-to-ban/ban-repository.ts writes it): the edge must drop this address. */
const BANNED = '127.0.0.2';
const BAN_ITEM = {
  pk: { S: 'BANS' },
  sk: { S: `BAN#${BANNED}` },
  address: { S: BANNED },
  since: { N: String(Date.now()) },
  until: { N: String(Date.now() + 3_600_000) },
  reason: { S: 'cloud edge test' },
  failures: { N: '5' },
};

let dir: string;
let stub: AwsStub;
let edge: ChildProcess;
let output = '';
let sipPort: number;
let httpPort: number;

/** Resolves with the first stdout line matching `pattern` (pino JSON logs). */
function waitForLog(pattern: RegExp, timeoutMs = 15_000): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no log line ${pattern} within ${timeoutMs} ms; output:\n${output}`)), timeoutMs);
    const check = () => {
      const line = output.split('\n').find((l) => pattern.test(l));
      if (!line) return false;
      clearTimeout(timer);
      edge.stdout!.off('data', check);
      resolve(JSON.parse(line) as Record<string, unknown>);
      return true;
    };
    if (!check()) edge.stdout!.on('data', check);
    edge.once('exit', (code) => reject(new Error(`edge exited (${code}) before ${pattern}; output:\n${output}`)));
  });
}

let started: Record<string, unknown>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nimbus-cloud-edge-'));
  const bundle = await buildEdge(join(dir, 'dist'));
  stub = await startAwsStub((name) => (name === 'nimbus-test-register' ? { payload: CHALLENGE } : { payload: { ok: true } }), [BAN_ITEM]);
  sipPort = await freePort();
  httpPort = await freePort();
  edge = spawn(process.execPath, [bundle], {
    cwd: dir, // an empty folder: the bundle must not need node_modules
    env: {
      PATH: process.env.PATH,
      ...STUB_AWS_ENV,
      PBX_INVOKER: 'lambda',
      PBX_FUNCTION_PREFIX: 'nimbus-test-',
      PBX_LAMBDA_ENDPOINT: stub.endpoint,
      PBX_EVENT_BUS_NAME: 'nimbus-test',
      PBX_EVENTBRIDGE_ENDPOINT: stub.endpoint,
      PBX_DYNAMODB_ENDPOINT: stub.endpoint,
      PBX_TABLE_NAME: 'nimbus-test-table',
      PBX_NONCE_SECRET: 'cloud-edge-test-secret-0123456789',
      PBX_BIND: '127.0.0.1',
      PBX_SIP_PORT: String(sipPort),
      PBX_HTTP_PORT: String(httpPort),
      PBX_EDGE_ID: 'edge-cloud-test',
      PBX_LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  edge.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  edge.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  started = await waitForLog(/edge started in cloud mode/);
}, 60_000);

afterAll(async () => {
  if (edge && edge.exitCode === null) {
    const exited = new Promise((resolve) => edge.once('exit', resolve));
    edge.kill('SIGTERM');
    await exited;
  }
  await stub?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('edge in cloud mode (bundle, stub AWS endpoints)', () => {
  it('starts with the Lambda invoker and the EventBridge bus from its configuration', () => {
    expect(started).toMatchObject({ invoker: 'lambda', functionPrefix: 'nimbus-test-', bus: 'eventbridge', sipPort, httpPort });
  });

  it('tells the store it is alive through the edge-heartbeat Lambda', () => {
    expect(stub.invocations('nimbus-test-edge-heartbeat')[0]).toMatchObject({ type: 'edge-heartbeat', edge: { id: 'edge-cloud-test' } });
  });

  it('answers a REGISTER over UDP with the reply of the register Lambda', async () => {
    const phone = await udpClient('127.0.0.1', sipPort);
    try {
      phone.send(registerRequest({ transport: 'UDP', localHost: '127.0.0.1', localPort: phone.localPort, user: '1001', domain: 'stub.test', callId: 'cloud-1@test', cseq: 1, contact: `<sip:1001@127.0.0.1:${phone.localPort}>` }));
      const response = asResponse(await phone.next(10_000));
      expect(response.status).toBe(401);
      expect(getHeader(response, 'WWW-Authenticate')).toBe(CHALLENGE.reply.headers[0]!.value);
      expect(getHeader(response, 'Call-ID')).toBe('cloud-1@test');
    } finally {
      await phone.close();
    }
    const [event] = stub.invocations('nimbus-test-register') as RegisterEvent[];
    expect(event).toMatchObject({ type: 'register', edge: { id: 'edge-cloud-test' }, source: { protocol: 'udp', address: '127.0.0.1' }, request: { method: 'REGISTER' } });
  });

  it('drops everything from an address banned in the store, reading only the partitions its role allows', async () => {
    const banned = await udpClient('127.0.0.1', sipPort, BANNED);
    try {
      banned.send(registerRequest({ transport: 'UDP', localHost: BANNED, localPort: banned.localPort, user: '1001', domain: 'stub.test', callId: 'banned-1@test', cseq: 1, contact: `<sip:1001@${BANNED}:${banned.localPort}>` }));
      await expect(banned.next(1_500)).rejects.toThrow(/no SIP message/);
    } finally {
      await banned.close();
    }
    expect(stub.invocations('nimbus-test-register').map((e) => (e as RegisterEvent).source.address)).not.toContain(BANNED);
    const partitions = stub.requests
      .filter((r) => r.target === 'DynamoDB_20120810.Query' || r.target === 'DynamoDB_20120810.GetItem')
      .map((r) => {
        const input = JSON.parse(r.body) as { Key?: { pk: { S: string } }; ExpressionAttributeValues?: Record<string, { S: string }> };
        return input.Key?.pk.S ?? Object.values(input.ExpressionAttributeValues ?? {})[0]?.S;
      });
    expect(partitions.length).toBeGreaterThan(0);
    expect([...new Set(partitions)].sort()).toEqual([...EDGE_READABLE_PARTITIONS].sort());
  });

  it('reports healthy once it listens and the table answers DescribeTable', async () => {
    const res = await fetch(`http://127.0.0.1:${httpPort}/healthz`);
    expect(res.status).toBe(200);
    const describe = stub.requests.find((r) => r.target === 'DynamoDB_20120810.DescribeTable');
    expect(JSON.parse(describe!.body)).toEqual({ TableName: 'nimbus-test-table' });
  });

  it('stops on SIGTERM (ECS stops tasks that way) with exit code 0', async () => {
    const exited = new Promise<number | null>((resolve) => edge.once('exit', (code) => resolve(code)));
    edge.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
