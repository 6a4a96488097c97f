/**
 * The warm functions' directory cache as the local stack composes it
 * (createFunctionsRuntime with the in-process bus): the register handler
 * reads a tenant and a user once, answers the next REGISTERs from memory,
 * and an admin API change (directory.changed on the bus) takes effect on
 * the very next REGISTER; a change written to the store behind the
 * functions' back (no event, as a Lambda container sees every change) takes
 * effect once the cache's TTL has passed.
 */
import type { Context } from 'aws-lambda';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessBus } from '../../contracts/bus/in-process-bus.js';
import type { AdminHttpEvent } from '../../contracts/http-event.js';
import type { RegisterResult } from '../../contracts/function-events.js';
import { DIRECTORY_CACHE_TTL_MS } from '../../functions/src/directory/cached-directory.js';
import { createAdminApi, createFunctionHandlers, createFunctionsRuntime } from '../../functions/src/index.js';
import { computeHa1 } from '../../sip/index.js';
import { REGISTRAR_SETTINGS, registerEvent, registerText, sipRequest } from '../unit/functions/fixtures.js';
import { answerChallenge } from './digest-client.js';
import { startLocalDynamo, TEST_TABLE, type LocalDynamo } from './local-dynamo.js';

const TOKEN = 'directory-cache-test-token-0123456789';
let db: LocalDynamo;
/** Reads of the directory repository (tenants by domain, users) behind the cache. */
let directoryReads = 0;
const clock = { now: Date.now() };
let register: ReturnType<typeof createFunctionHandlers>['register'];
let admin: ReturnType<typeof createAdminApi>;
let seq = 0;

beforeAll(async () => {
  db = await startLocalDynamo();
  const bus = new InProcessBus();
  const runtime = createFunctionsRuntime({
    store: { tableName: TEST_TABLE, dynamoEndpoint: db.endpoint, region: 'us-east-1' },
    registrar: REGISTRAR_SETTINGS,
    adminToken: TOKEN,
    bus,
    directoryChanges: bus,
    now: () => clock.now,
    env: {},
  });
  const repository = runtime.stores.directory;
  for (const method of ['findTenantByDomain', 'getUser'] as const) {
    const read = repository[method].bind(repository) as (...args: string[]) => Promise<never>;
    repository[method] = ((...args: string[]) => (directoryReads++, read(...args))) as never;
  }
  register = createFunctionHandlers(runtime).register;
  admin = createAdminApi(runtime);
});
afterAll(async () => {
  await db?.close();
});

async function api(method: string, path: string, body: unknown): Promise<number> {
  const event: AdminHttpEvent = {
    routeKey: '$default',
    rawPath: path,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    requestContext: { http: { method } },
  };
  return (await admin(event, {} as Context)).statusCode;
}

/** REGISTER → 401 → REGISTER with credentials, as a phone does; the directory reads of the second one. */
async function registerAs(ext: string, password: string): Promise<{ result: RegisterResult; reads: number }> {
  const callId = `cache-${++seq}@test`;
  const send = (cseq: number, authorization?: string) =>
    register(registerEvent(sipRequest(registerText({ user: ext, domain: 'acme.test', callId, cseq, contacts: [`<sip:${ext}@198.51.100.7:5060>`], ...(authorization ? { authorization } : {}) }))), {} as Context);
  const challenge = await send(1);
  expect(challenge.reply.status).toBe(401);
  const before = directoryReads;
  const result = await send(2, answerChallenge(challenge.reply, { username: ext, password, uri: 'sip:acme.test' }));
  return { result, reads: directoryReads - before };
}

describe('directory cache in a warm function', () => {
  it('a warm register reads neither the tenant nor the user again', async () => {
    expect((await registerAs('1001', 's3cret-1001')).result.reply.status).toBe(200);
    const warm = await registerAs('1001', 's3cret-1001');
    expect(warm.result.reply.status).toBe(200);
    expect(warm.reads).toBe(0);
  });

  it('a password changed through the admin API refuses the old one on the next REGISTER', async () => {
    expect(await api('PATCH', '/api/v1/tenants/acme/users/1001', { password: 'changed-1001' })).toBe(200);
    expect((await registerAs('1001', 's3cret-1001')).result.reply.status).toBe(403);
    expect((await registerAs('1001', 'changed-1001')).result.reply.status).toBe(200);
  });

  it('a user deleted through the admin API is refused on the next REGISTER', async () => {
    expect((await registerAs('1002', 's3cret-1002')).result.reply.status).toBe(200);
    expect(await api('DELETE', '/api/v1/tenants/acme/users/1002', undefined)).toBe(204);
    expect((await registerAs('1002', 's3cret-1002')).result.reply.status).toBe(403);
  });

  it(`a change no event announces takes effect ${DIRECTORY_CACHE_TTL_MS / 1000} s later, not before`, async () => {
    expect((await registerAs('1001', 'changed-1001')).result.reply.status).toBe(200);
    const ha1 = (p: string) => ({ MD5: computeHa1('MD5', '1001', 'acme.test', p), 'SHA-256': computeHa1('SHA-256', '1001', 'acme.test', p) });
    await db.doc.send(new PutCommand({ TableName: TEST_TABLE, Item: { pk: 'TENANT#acme', sk: 'USER#1001', ext: '1001', ha1: ha1('behind-its-back'), multiDevice: false, maxDevices: 3 } }));
    expect((await registerAs('1001', 'changed-1001')).result.reply.status).toBe(200);
    clock.now += DIRECTORY_CACHE_TTL_MS;
    expect((await registerAs('1001', 'changed-1001')).result.reply.status).toBe(403);
    expect((await registerAs('1001', 'behind-its-back')).result.reply.status).toBe(200);
  });
});
