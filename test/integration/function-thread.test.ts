/**
 * The functions the edge invokes, on their own worker thread
 * (edge/src/local-stack/function-thread.ts), against the embedded store on
 * its thread, as `npm start` runs them: REGISTERs answered there and their
 * bindings in the store, the store requests counted on the stack's side, a
 * password change heard through the stack's bus, a ban published to it, a
 * CDR batch written by the background's consumer there, a function's
 * error, and a close that lets an invocation under way answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryChangedEvent } from '../../contracts/bus/directory-events.js';
import { callEvent } from '../../contracts/bus/call-events.js';
import { toEventBridgeEnvelope } from '../../contracts/bus/event-routes.js';
import { InProcessBus } from '../../contracts/bus/in-process-bus.js';
import type { PbxEvent } from '../../contracts/bus/pbx-event.js';
import type { RegisterResult } from '../../contracts/function-events.js';
import { createDocumentClient } from '../../contracts/store/dynamo-client.js';
import { startFunctionThread, type FunctionThread } from '../../edge/src/local-stack/function-thread.js';
import { startStoreThread } from '../../edge/src/local-stack/store-thread-client.js';
import type { EmbeddedStore } from '../../edge/src/local-stack/embedded-store.js';
import { applySeed } from '../../functions/src/seed/apply-seed.js';
import { parseSeed } from '../../functions/src/seed/seed-schema.js';
import { StoreBootstrap } from '../../functions/src/seed/store-bootstrap.js';
import { createStores } from '../../functions/src/runtime/stores.js';
import { REGISTRAR_SETTINGS, registerEvent, registerText, sipRequest, UDP_SOURCE } from '../unit/functions/fixtures.js';
import { answerChallenge } from '../store/digest-client.js';

const TABLE = 'nimbus-pbx-function-thread';
const seedWith = (password: string) =>
  parseSeed({ tenants: [{ id: 'acme', domains: ['acme.test'], users: [{ ext: '1001', password }, { ext: '1002', password: 'pw-1002' }] }] });

let store: EmbeddedStore;
let thread: FunctionThread;
const bus = new InProcessBus();
const published: PbxEvent[] = [];
const observed: string[] = [];

beforeAll(async () => {
  store = await startStoreThread();
  const bootstrap = new StoreBootstrap(store.inProcess, TABLE);
  await bootstrap.prepare(seedWith('old-password'));
  bootstrap.close();
  bus.subscribe({}, async (event) => {
    published.push(event);
  });
  thread = await startFunctionThread({
    // An hour: only the bus can make the thread's warm directory forget a user here.
    store: { tableName: TABLE, region: 'us-east-1', directoryCacheSeconds: 3600 },
    registrar: REGISTRAR_SETTINGS,
    bus,
    storeObserver: (operation, _seconds, ok) => observed.push(`${operation}:${ok}`),
    embeddedStore: store,
  });
});

afterAll(async () => {
  await thread?.close();
  await store?.close();
});

let callSeq = 0;
/** A phone at `address` (it sends from the address its Contact names, as contact-policy.ts wants). */
function register(user: string, cseq: number, callId: string, authorization?: string, address = UDP_SOURCE.address): Promise<RegisterResult> {
  const text = registerText({ user, domain: 'acme.test', callId, cseq, contacts: [`<sip:${user}@${address}:5060>`], ...(authorization ? { authorization } : {}) });
  return thread.invoker.invoke('register', registerEvent(sipRequest(text), { ...UDP_SOURCE, address }));
}

/** REGISTER → 401 → REGISTER with credentials; the second answer. */
async function registerWith(user: string, password: string, address?: string): Promise<RegisterResult> {
  const callId = `thread-${++callSeq}@test`;
  const first = await register(user, 1, callId, undefined, address);
  expect(first.reply.status).toBe(401);
  const authorization = answerChallenge(first.reply, { username: user, password, uri: 'sip:acme.test' });
  return register(user, 2, callId, authorization, address);
}

describe('the functions on their own thread', () => {
  it('answers a REGISTER there and writes its binding to the stack’s store, each store request counted on the stack’s side', async () => {
    observed.length = 0;
    const result = await registerWith('1001', 'old-password');
    expect(result.reply.status).toBe(200);
    expect(result.auth).toMatchObject({ outcome: 'ok', tenantId: 'acme', username: '1001' });

    // Read on this thread, through the stack's own in-process client.
    const doc = createDocumentClient({ inProcess: store.inProcess });
    const bindings = await createStores(doc, TABLE).bindings.loadBindings({ tenantId: 'acme', ext: '1001' }, Date.now());
    expect(bindings.bindings.map((b) => b.contact)).toEqual(['sip:1001@198.51.100.7:5060']);
    doc.destroy();

    await expect.poll(() => observed).toContain('PutItem:true');
  });

  it('hears a password change through the stack’s bus: its warm directory drops the user at once', async () => {
    expect((await registerWith('1002', 'pw-1002')).reply.status).toBe(200);
    // The thread now remembers 1001 with the old password (an hour's cache); the store gets the new one.
    const doc = createDocumentClient({ inProcess: store.inProcess });
    await applySeed({ directory: createStores(doc, TABLE).directory }, seedWith('new-password'));
    doc.destroy();
    // What the admin API publishes after it writes a user.
    await bus.publish([directoryChangedEvent({ tenantId: 'acme', kind: 'user', id: '1001', op: 'updated' })]);
    await bus.drain();

    expect((await registerWith('1001', 'old-password')).reply.status).not.toBe(200);
    expect((await registerWith('1001', 'new-password')).reply.status).toBe(200);
  });

  it('passes what its functions publish to the stack’s bus: a ban after the fifth wrong password', async () => {
    const attacker = '203.0.113.9';
    for (let i = 0; i < 5; i++) expect((await registerWith('1002', 'wrong-password', attacker)).auth?.outcome).toBe('failed');
    await bus.drain();
    expect(published.filter((e) => e.detailType === 'ban.added').map((e) => e.detail.address)).toEqual([attacker]);
  });

  it('runs the background functions there too: a CDR batch is written to the store', async () => {
    const T = (second: number) => new Date(Date.UTC(2026, 11, 8, 12, 0, second)).toISOString();
    const caller = { ext: '1001' };
    const callee = { ext: '1002' };
    const base = { tenantId: 'acme', callId: 'cid-thread-1', callRef: 'thread-cdr-1' };
    const events = [
      callEvent('call.attempt', { ...base, fromTag: 'ft', direction: 'internal', caller, callee, startTime: T(0), edgeId: 'edge-a', bootId: 'boot-1', slots: [] }, T(0)),
      callEvent('call.end', { ...base, direction: 'internal', caller, callee, startTime: T(0), endTime: T(9), disposition: 'failed', status: 486, hangupBy: 'callee' }, T(9)),
    ];
    const records = events.map((event, i) => ({ messageId: `m-${i}`, body: JSON.stringify(toEventBridgeEnvelope(event, `e-${i}`)) }));

    expect(await thread.background.cdr({ Records: records }, {} as never)).toEqual({ batchItemFailures: [] });
    const doc = createDocumentClient({ inProcess: store.inProcess });
    expect(await createStores(doc, TABLE).cdrs.getCdr('acme', 'thread-cdr-1')).toMatchObject({ state: 'closed', status: 486, hangupBy: 'callee' });
    doc.destroy();
  });

  it('rejects the invocation with the function’s own error, and keeps serving', async () => {
    const broken = thread.invoker.invoke('register', { type: 'register' } as never);
    // What the edge would learn from Lambda's FunctionError: the error's name and the field it names.
    await expect(broken).rejects.toMatchObject({ name: 'InvalidEventError', message: expect.stringMatching(/^Invalid event: .*edge/) });
    expect((await registerWith('1002', 'pw-1002')).reply.status).toBe(200);
  });

  it('lets an invocation under way answer when it closes; later ones fail', async () => {
    const other = await startFunctionThread({ store: { tableName: TABLE, region: 'us-east-1' }, registrar: REGISTRAR_SETTINGS, bus, embeddedStore: store });
    const underWay = other.invoker.invoke('register', registerEvent(sipRequest(registerText({ user: '1001', domain: 'acme.test', callId: 'closing@test', cseq: 1 })), UDP_SOURCE));
    await other.close();
    expect((await underWay).reply.status).toBe(401);
    await expect(other.invoker.invoke('register', registerEvent(sipRequest(registerText({ user: '1001', domain: 'acme.test', callId: 'late@test', cseq: 1 })), UDP_SOURCE))).rejects.toThrow(/closed/);
  });
});
