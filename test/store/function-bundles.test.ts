/**
 * The esbuild bundles are what Lambda runs: build them, load them in a plain
 * Node process (no tsx, no vitest transforms, no node_modules needed at
 * runtime) and invoke their `handler` with Lambda-style events against
 * dynalite.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFunctions } from '../../functions/build.js';
import type { FunctionName } from '../../contracts/function-events.js';
import { authorizeCallEvent, callText, registerEvent, registerText, sipRequest } from '../unit/functions/fixtures.js';
import { startLocalDynamo, TEST_TABLE, type LocalDynamo } from './local-dynamo.js';

const run = promisify(execFile);

let db: LocalDynamo;
let bundles: Record<string, string>;
let cwd: string;

beforeAll(async () => {
  bundles = await buildFunctions();
  db = await startLocalDynamo();
  // Run from an empty directory: the bundle must not need node_modules.
  cwd = await mkdtemp(join(tmpdir(), 'nimbus-bundle-'));
});

afterAll(async () => {
  await db?.close();
  if (cwd) await rm(cwd, { recursive: true, force: true });
});

/** Imports a bundle in a fresh `node` and calls handler(event, context) like the Lambda runtime does. */
async function invokeBundle(name: FunctionName | 'cdr' | 'reaper' | 'trunk-status', event: unknown): Promise<unknown> {
  const script = `
    const { handler } = await import(${JSON.stringify(pathToFileURL(bundles[name]).href)});
    const context = { functionName: 'nimbus-${name}', awsRequestId: 'test', getRemainingTimeInMillis: () => 10000 };
    const result = await handler(JSON.parse(process.env.TEST_EVENT), context);
    process.stdout.write(JSON.stringify(result));
  `;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    cwd,
    env: {
      PATH: process.env.PATH,
      TEST_EVENT: JSON.stringify(event),
      PBX_DYNAMODB_ENDPOINT: db.endpoint,
      PBX_TABLE_NAME: TEST_TABLE,
      PBX_NONCE_SECRET: 'bundle-test-secret-0123456789',
      AWS_REGION: 'eu-west-1',
    },
  });
  return JSON.parse(stdout);
}

describe('function bundles (functions/build.ts)', () => {
  it('writes dist/functions/<name>/index.mjs for every function', () => {
    expect(Object.keys(bundles).sort()).toEqual([
      'admin-api', 'audit-slots', 'authorize-call', 'cdr', 'edge-heartbeat', 'flow-closed', 'reaper', 'register', 'release-call', 'rollup',
      'take-trunk-slot', 'trunk-lease', 'trunk-lines', 'trunk-status',
    ]);
    for (const [name, file] of Object.entries(bundles)) {
      expect(file).toMatch(new RegExp(`dist/functions/${name}/index\\.mjs$`));
      expect(existsSync(file)).toBe(true);
    }
  });

  it('register bundle answers a REGISTER without credentials with a 401 digest challenge', async () => {
    const request = sipRequest(registerText({ user: '1001', domain: 'acme.test', contacts: ['<sip:1001@198.51.100.7:5060>'] }));
    const result = (await invokeBundle('register', registerEvent(request))) as {
      reply: { status: number; headers: { name: string; value: string }[] };
      auth: unknown;
    };
    expect(result.reply.status).toBe(401);
    expect(result.reply.headers.filter((h) => h.name === 'WWW-Authenticate').map((h) => h.value)).toEqual([
      expect.stringMatching(/^Digest realm="acme\.test", nonce="[^"]+", algorithm=MD5, qop="auth"$/),
      expect.stringMatching(/^Digest realm="acme\.test", nonce="[^"]+", algorithm=SHA-256, qop="auth"$/),
    ]);
    expect(result.auth).toEqual({ outcome: 'challenge', tenantId: 'acme' });
  });

  it('flow-closed bundle answers an unknown flow with zero removed bindings', async () => {
    const result = await invokeBundle('flow-closed', { type: 'flow-closed', edge: { id: 'edge-x', bootId: 'b' }, flowId: 'none' });
    expect(result).toEqual({ removedBindings: 0 });
  });

  it('authorize-call bundle answers an INVITE without credentials with a 407 proxy challenge', async () => {
    const request = sipRequest(callText({ from: '1001', to: '1002', domain: 'acme.test' }));
    const result = (await invokeBundle('authorize-call', authorizeCallEvent(request))) as {
      decision: string;
      reply: { status: number; headers: { name: string }[] };
    };
    expect(result.decision).toBe('reply');
    expect(result.reply.status).toBe(407);
    expect(result.reply.headers.map((h) => h.name)).toEqual(['Proxy-Authenticate', 'Proxy-Authenticate']);
  });

  it('edge-heartbeat, release-call, cdr and reaper bundles run against the store', async () => {
    const edge = { id: 'edge-bundle', bootId: 'b-1' };
    expect(await invokeBundle('edge-heartbeat', { type: 'edge-heartbeat', edge, sip: { host: '10.0.0.1', port: 5060 }, ttlSeconds: 30 })).toEqual({ ok: true });
    expect(await invokeBundle('release-call', { type: 'release-call', callId: 'none', slots: [{ tenantId: 'acme', ext: '1001' }] })).toEqual({ released: 0 });
    const envelope = {
      version: '0',
      id: 'e-1',
      'detail-type': 'call.alert',
      source: 'nimbus.edge',
      time: '2025-01-15T12:00:00Z',
      detail: { tenantId: 'acme', callId: 'bundle-call', time: '2025-01-15T12:00:01Z', status: 180 },
    };
    expect(await invokeBundle('cdr', envelope)).toEqual({ tenantId: 'acme', callId: 'bundle-call', callRef: 'bundle-call', applied: true, state: 'open' });
    // What its SQS event source hands it in the cloud: a batch, answered with the records to retry.
    const batch = { Records: [{ messageId: 'm-1', body: JSON.stringify({ ...envelope, detail: { ...envelope.detail, callId: 'bundle-batch' } }) }, { messageId: 'm-2', body: '{' }] };
    expect(await invokeBundle('cdr', batch)).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-2' }] });
    expect(await invokeBundle('reaper', { 'detail-type': 'Scheduled Event' })).toMatchObject({ failedCalls: 0 });
  });
  it('take-trunk-slot, trunk-lines, trunk-lease and trunk-status bundles run against the store', async () => {
    const edge = { id: 'edge-bundle', bootId: 'b-1' };
    expect(await invokeBundle('take-trunk-slot', { type: 'take-trunk-slot', edge, callId: 'c', tenantId: 'acme', trunkId: 'none' })).toEqual({
      ok: false,
      reason: 'unknown trunk',
    });
    expect(await invokeBundle('trunk-lines', { type: 'trunk-lines' })).toEqual({ lines: [] });
    expect(await invokeBundle('trunk-lease', { type: 'trunk-lease', op: 'acquire', trunkKey: 'acme#line', edgeId: 'edge-bundle', ttlMs: 60_000 })).toEqual({ held: true });
    const status = { tenantId: 'acme', trunkId: 'line', status: 'online', since: '2025-01-15T12:00:00.000Z', edgeId: 'edge-bundle' };
    expect(await invokeBundle('trunk-status', { 'detail-type': 'trunk.status', source: 'nimbus.edge', detail: status })).toEqual({
      tenantId: 'acme',
      trunkId: 'line',
      stored: true,
    });
  });
});
