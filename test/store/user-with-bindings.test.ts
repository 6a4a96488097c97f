/**
 * A REGISTER with credentials from a user the warm registrar knows nothing
 * of reads the user and its bindings in one BatchGetItem (issue 14:
 * registration/user-with-bindings.ts), against the real DynamoDB API
 * (dynalite): the answer is built on the stored bindings — also those
 * another container wrote — and the write that follows is the only other
 * request.
 */
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RegisterResult } from '../../contracts/function-events.js';
import { createDocumentClient } from '../../contracts/store/dynamo-client.js';
import { CachedDirectory } from '../../functions/src/directory/cached-directory.js';
import { createRegisterHandler } from '../../functions/src/registration/register-handler.js';
import { createStores, type Stores } from '../../functions/src/runtime/stores.js';
import { serveDynalite, type EmbeddedStore } from '../../edge/src/local-stack/embedded-store.js';
import { ensureTables } from '../../functions/src/store/ensure-table.js';
import { applySeed } from '../../functions/src/seed/apply-seed.js';
import { createDynamoClient } from '../../contracts/store/dynamo-client.js';
import { NOW, REGISTRAR_SETTINGS, registerEvent, registerText, sipRequest, UDP_SOURCE } from '../unit/functions/fixtures.js';
import { answerChallenge } from './digest-client.js';
import { PASSWORDS, TEST_SEED, TEST_TABLE } from './local-dynamo.js';
import { logStoreRequests } from './store-requests.js';
import { FUNCTION_CATALOG } from '../../infra/function-catalog.js';

const TTL_MS = 5_000;
let store: EmbeddedStore;
let clock = NOW;

/** One warm registrar container: its own client, repositories and directory cache. */
function container() {
  const doc = createDocumentClient({ inProcess: store.inProcess });
  const stores: Stores = createStores(doc, TEST_TABLE, { now: () => clock });
  const directory = stores.userWithBindings.forRegistrar(new CachedDirectory(stores.directory, { ttlMs: TTL_MS, now: () => clock }));
  const handler = createRegisterHandler({ directory, bindings: stores.bindings, settings: REGISTRAR_SETTINGS, now: () => clock });
  const log = logStoreRequests(doc);
  let seq = 0;
  /** Every operation this container sent, for the IAM check below. */
  const sent = new Set<string>();
  /** REGISTER → 401 → REGISTER with credentials, as a phone does; the store requests of the second one. */
  async function registerAs(ext: string, host: string, password = PASSWORDS[`acme/${ext}`]!): Promise<{ result: RegisterResult; requests: string[] }> {
    const callId = `uwb-${host}-${++seq}@test`;
    const send = (cseq: number, authorization?: string) =>
      handler(
        registerEvent(sipRequest(registerText({ user: ext, domain: 'acme.test', callId, cseq, contacts: [`<sip:${ext}@${host}:5060>`], expires: 600, ...(authorization ? { authorization } : {}) })), { ...UDP_SOURCE, address: host }),
        {} as Context,
      );
    const challenge = await send(1);
    expect(challenge.reply.status).toBe(401);
    for (const r of log.requests) sent.add(r.operation);
    log.clear();
    const result = await send(2, answerChallenge(challenge.reply, { username: ext, password, uri: 'sip:acme.test' }));
    for (const r of log.requests) sent.add(r.operation);
    return { result, requests: log.requests.map((r) => (r.sk ? `${r.operation} ${r.sk}` : r.operation)) };
  }
  /** Each device gets its 401 first; then every REGISTER with credentials at once. The store requests of those. */
  async function registerAllAtOnce(devices: { ext: string; host: string; password?: string }[]): Promise<{ results: RegisterResult[]; requests: string[] }> {
    const answers = [];
    for (const d of devices) {
      const callId = `uwb-burst-${d.host}-${++seq}@test`;
      const send = (cseq: number, authorization?: string) =>
        handler(
          registerEvent(sipRequest(registerText({ user: d.ext, domain: 'acme.test', callId, cseq, contacts: [`<sip:${d.ext}@${d.host}:5060>`], expires: 600, ...(authorization ? { authorization } : {}) })), { ...UDP_SOURCE, address: d.host }),
          {} as Context,
        );
      const challenge = await send(1);
      expect(challenge.reply.status).toBe(401);
      answers.push(() => send(2, answerChallenge(challenge.reply, { username: d.ext, password: d.password ?? PASSWORDS[`acme/${d.ext}`]!, uri: 'sip:acme.test' })));
    }
    log.clear();
    const results = await Promise.all(answers.map((answer) => answer()));
    for (const r of log.requests) sent.add(r.operation);
    return { results, requests: log.requests.map((r) => (r.sk ? `${r.operation} ${r.sk}` : r.operation)) };
  }
  return { stores, registerAs, registerAllAtOnce, sent, destroy: () => doc.destroy() };
}

const contacts = (result: RegisterResult) =>
  result.reply.headers.filter((h) => h.name === 'Contact').map((h) => /<([^>]+)>/.exec(h.value)![1]).sort();

let a: ReturnType<typeof container>;
let b: ReturnType<typeof container>;

beforeAll(async () => {
  store = await serveDynalite();
  const client = createDynamoClient({ inProcess: store.inProcess });
  await ensureTables(client, TEST_TABLE);
  client.destroy();
  const seeding = createDocumentClient({ inProcess: store.inProcess });
  await applySeed({ directory: createStores(seeding, TEST_TABLE).directory }, TEST_SEED);
  seeding.destroy();
  a = container();
  b = container();
});
afterAll(async () => {
  a?.destroy();
  b?.destroy();
  await store?.close();
});
beforeEach(() => {
  clock += 3_600_000; // past the previous test's bindings and every cache
});

describe('a registration that finds nothing in the warm registrar', () => {
  it('reads the user and its bindings in one request, then writes once', async () => {
    const { result, requests } = await a.registerAs('1001', '198.51.100.1');
    expect(result.reply.status).toBe(200);
    expect(contacts(result)).toEqual(['sip:1001@198.51.100.1:5060']);
    // The tenant's first user online this hour also joins the tenant to the hourly rollup (reports), once per container.
    expect(requests).toEqual(['BatchGetItem', 'UpdateItem TENANT#acme', 'PutItem BINDINGS#1001']);
  });

  it('answers with the devices another container stored, and keeps them', async () => {
    // 1002 is a multi-device user: the desk phone registers through B, the softphone through A, which never saw the user.
    expect((await b.registerAs('1002', '198.51.100.2')).result.reply.status).toBe(200);
    const { result, requests } = await a.registerAs('1002', '198.51.100.3');
    expect(result.reply.status).toBe(200);
    expect(contacts(result)).toEqual(['sip:1002@198.51.100.2:5060', 'sip:1002@198.51.100.3:5060']);
    // No failed write, no second read: the batch's bindings were the stored ones.
    expect(requests).toEqual(['BatchGetItem', 'PutItem BINDINGS#1002']);
  });

  it('a refresh once the user has left the directory cache reads the user alone (the bindings are remembered)', async () => {
    expect((await a.registerAs('1001', '198.51.100.1')).result.reply.status).toBe(200);
    clock += TTL_MS;
    const { result, requests } = await a.registerAs('1001', '198.51.100.1');
    expect(result.reply.status).toBe(200);
    expect(requests).toEqual(['GetItem USER#1001', 'PutItem BINDINGS#1001']);
  });

  it('a wrong password costs the same one read and no write', async () => {
    const fresh = container();
    try {
      const { result, requests } = await fresh.registerAs('1002', '198.51.100.9', 'not-the-password');
      expect(result.reply.status).toBe(403);
      expect(requests).toEqual(['BatchGetItem']);
    } finally {
      fresh.destroy();
    }
  });

  it('a made-up user gets 403 and leaves no remembered bindings behind', async () => {
    const { result, requests } = await a.registerAs('7777', '198.51.100.7', 'guess');
    expect(result.reply.status).toBe(403);
    expect(requests).toEqual(['BatchGetItem']);
    expect(a.stores.bindings.remembers({ tenantId: 'acme', ext: '7777' })).toBe(false);
  });

  it('REGISTERs of the same moment share one BatchGetItem, each answered on its own user and bindings', async () => {
    const fresh = container();
    try {
      const { results, requests } = await fresh.registerAllAtOnce([
        { ext: '1001', host: '198.51.100.21' },
        // Two devices of the multi-device user: its keys once in the batch, then one write each on the same version.
        { ext: '1002', host: '198.51.100.22' },
        { ext: '1002', host: '198.51.100.23' },
        { ext: '7777', host: '198.51.100.24', password: 'guess' },
        { ext: '1001', host: '198.51.100.25', password: 'not-the-password' },
      ]);
      expect(results.map((r) => r.reply.status)).toEqual([200, 200, 200, 403, 403]);
      expect(requests.filter((r) => r === 'BatchGetItem')).toHaveLength(1);
      expect(contacts(results[0])).toEqual(['sip:1001@198.51.100.21:5060']);
      // The second device's write met the first one's: the bindings were read again, and both devices are bound.
      const both = ['sip:1002@198.51.100.22:5060', 'sip:1002@198.51.100.23:5060'];
      expect([contacts(results[1]), contacts(results[2])]).toContainEqual(both);
      const stored = await fresh.stores.bindings.loadBindings({ tenantId: 'acme', ext: '1002' }, clock);
      expect(stored.bindings.map((b) => b.contact).sort()).toEqual(both);
    } finally {
      fresh.destroy();
    }
  });

  it('sends only requests the register function\'s role grants in the cloud (infra/function-catalog.ts)', () => {
    const granted = FUNCTION_CATALOG.find((f) => f.name === 'register')!.table.actions.map((a) => a.replace('dynamodb:', ''));
    const sent = [...a.sent, ...b.sent];
    expect(sent).toContain('BatchGetItem');
    for (const operation of sent) expect(granted).toContain(operation);
  });
});
