/**
 * cdr fed in SQS batches, against a real DynamoDB API (dynalite): a call whose
 * batch holds all four events costs ONE request and leaves the item the four
 * events applied singly leave; calls in progress stay in the open-call index
 * (the live view); a failed call's records are returned for retry, a
 * malformed record is refused alone, and the retried records complete the CDR.
 */
import type { Context } from 'aws-lambda';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toEventBridgeEnvelope } from '../../contracts/bus/event-routes.js';
import { callEvent, type CallEventDetails, type CallEventType } from '../../contracts/bus/call-events.js';
import { createCdrHandler } from '../../functions/src/cdr/cdr-handler.js';
import { CdrRepository } from '../../functions/src/cdr/cdr-repository.js';
import type { SqsBatchEvent, SqsBatchResponse } from '../../functions/src/cdr/sqs-batch.js';
import { startLocalDynamo, TEST_TABLE, type LocalDynamo } from './local-dynamo.js';

const CONTEXT = {} as Context;
const T = (s: number) => new Date(Date.UTC(2025, 0, 15, 12, 0, s)).toISOString();

let db: LocalDynamo;

beforeAll(async () => {
  db = await startLocalDynamo();
});

afterAll(async () => {
  await db?.close();
});

/** The store's requests, by command name and key; `failWhen` makes matching requests fail as a throttled store would. */
function observedStore(failWhen?: (name: string, input: { Key?: { sk?: string } }) => boolean) {
  const requests: string[] = [];
  const doc = {
    send: (command: { constructor: { name: string }; input: { Key?: { sk?: string }; Item?: { sk?: string } } }) => {
      const name = command.constructor.name.replace(/Command$/, '');
      requests.push(`${name} ${command.input.Key?.sk ?? command.input.Item?.sk ?? ''}`.trim());
      if (failWhen?.(name, command.input)) {
        return Promise.reject(Object.assign(new Error('Throughput exceeds the current capacity'), { name: 'ProvisionedThroughputExceededException' }));
      }
      return (db.doc.send as (c: unknown) => Promise<unknown>)(command);
    },
  } as unknown as DynamoDBDocumentClient;
  return { cdrs: new CdrRepository(doc, TEST_TABLE), requests };
}

type Step = { [K in CallEventType]: [K, CallEventDetails[K]] }[CallEventType];

function callSteps(callRef: string, edgeId = 'edge-b'): Record<'attempt' | 'alert' | 'answer' | 'end', Step> {
  const caller = { ext: '1001', displayName: 'Alice' };
  const callee = { ext: '1002' };
  const answeredBy = { contact: 'sip:1002@10.0.0.2', bindingKey: 'desk' };
  const base = { tenantId: 'acme', callId: `cid-${callRef}`, callRef };
  return {
    attempt: ['call.attempt', { ...base, fromTag: 'ft', direction: 'internal', caller, callee, startTime: T(0), edgeId, bootId: 'boot-1', slots: [{ tenantId: 'acme', ext: '1001' }] }],
    alert: ['call.alert', { ...base, time: T(1), status: 180 }],
    answer: ['call.answer', { ...base, time: T(4), answeredBy }],
    end: [
      'call.end',
      { ...base, direction: 'internal', caller, callee, startTime: T(0), alertTime: T(1), answerTime: T(4), endTime: T(64), answeredBy, disposition: 'answered', status: 200, hangupBy: 'caller' },
    ],
  };
}

let messages = 0;
/** An SQS record as the queue delivers it: the EventBridge event as the body. */
const record = ([type, detail]: Step) => {
  messages += 1;
  return { messageId: `m-${messages}`, body: JSON.stringify(toEventBridgeEnvelope(callEvent(type, detail as never, T(0)), `e-${messages}`)) };
};
const batch = (...records: { messageId: string; body: string }[]): SqsBatchEvent => ({ Records: records });

/** The stored CDR item without the parts that name the call, to compare two calls. */
async function storedItem(callRef: string): Promise<unknown> {
  const item = await db.stores.cdrs.getCdr('acme', callRef);
  return JSON.parse(JSON.stringify(item ?? null).replaceAll(callRef, '<call>'));
}

describe('cdr with SQS batches (dynalite)', () => {
  it('a batch with attempt, alert, answer and end of one call costs 1 request and stores the item the four single events store', async () => {
    const singly = callSteps('single-1');
    const cdr = createCdrHandler({ cdrs: observedStore().cdrs });
    for (const step of [singly.attempt, singly.alert, singly.answer, singly.end]) {
      await cdr(toEventBridgeEnvelope(callEvent(step[0], step[1] as never, T(0)), `x-${step[0]}`), CONTEXT);
    }

    const { cdrs, requests } = observedStore();
    const handler = createCdrHandler({ cdrs });
    const s = callSteps('batched-1');
    // Arrival order inside a batch is not guaranteed (a standard queue): the end first here.
    const response = (await handler(batch(record(s.end), record(s.alert), record(s.attempt), record(s.answer)), CONTEXT)) as SqsBatchResponse;

    expect(response).toEqual({ batchItemFailures: [] });
    expect(requests).toEqual(['Update CDR#batched-1']);
    expect(await storedItem('batched-1')).toEqual(await storedItem('single-1'));
    expect(await storedItem('batched-1')).toMatchObject({ state: 'closed', edgeId: 'edge-b', bootId: 'boot-1', fromTag: 'ft', ringSeconds: 3, talkSeconds: 60 });
    expect(await db.stores.cdrs.listOpenCalls('edge-b')).toEqual([]);
  });

  it('a call in progress is indexed for the live view; its end in a later batch closes it with 1 write and drops the entry', async () => {
    const { cdrs, requests } = observedStore();
    const handler = createCdrHandler({ cdrs });
    const s = callSteps('progress-1', 'edge-live');
    await handler(batch(record(s.attempt), record(s.alert), record(s.answer)), CONTEXT);
    // The index entry for the live view and the reaper, then one guarded write for the three events.
    expect(requests).toEqual(['Put acme#progress-1', 'Update CDR#progress-1']);
    expect(await db.stores.cdrs.listOpenCalls('edge-live')).toEqual([expect.objectContaining({ callRef: 'progress-1', bootId: 'boot-1' })]);
    expect(await db.stores.cdrs.getCdr('acme', 'progress-1')).toMatchObject({ state: 'open', answerTime: T(4) });

    requests.length = 0;
    // A duplicate of the attempt (at-least-once delivery) in the end's batch changes nothing.
    await handler(batch(record(s.attempt), record(s.end)), CONTEXT);
    expect(requests).toEqual(['Update CDR#progress-1', 'Delete acme#progress-1']);
    expect(await db.stores.cdrs.listOpenCalls('edge-live')).toEqual([]);
    expect(await storedItem('progress-1')).toEqual({ ...((await storedItem('single-1')) as object), edgeId: 'edge-live' });
  });

  it('a call in progress whose combined write is refused (an earlier alert is stored) is written event by event, as single events would', async () => {
    const { cdrs, requests } = observedStore();
    const handler = createCdrHandler({ cdrs });
    const s = callSteps('refused-1', 'edge-refused');
    const early: Step = ['call.alert', { tenantId: 'acme', callId: 'cid-refused-1', callRef: 'refused-1', time: T(0), status: 183 }];
    await handler(batch(record(early)), CONTEXT);
    requests.length = 0;
    await handler(batch(record(s.alert), record(s.answer)), CONTEXT);
    expect(requests).toEqual(['Update CDR#refused-1', 'Update CDR#refused-1', 'Update CDR#refused-1']);
    expect(await db.stores.cdrs.getCdr('acme', 'refused-1')).toMatchObject({ state: 'open', alertTime: T(0), answerTime: T(4) });
  });

  it('returns every record of a call whose write failed, only those, and the redelivered records complete its CDR', async () => {
    let failing = true;
    const { cdrs } = observedStore((name, input) => failing && name === 'Update' && input.Key?.sk === 'CDR#flaky-1');
    const handler = createCdrHandler({ cdrs });
    const flaky = callSteps('flaky-1');
    const fine = callSteps('fine-1');
    const records = [record(flaky.attempt), record(fine.attempt), record(flaky.end), record(fine.end), record(flaky.alert)];

    const response = (await handler(batch(...records), CONTEXT)) as SqsBatchResponse;
    const flakyIds = [records[0]!, records[2]!, records[4]!].map((r) => r.messageId);
    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(flakyIds.sort());
    expect(await db.stores.cdrs.getCdr('acme', 'fine-1')).toMatchObject({ state: 'closed' });
    expect(await db.stores.cdrs.getCdr('acme', 'flaky-1')).toBeUndefined();

    failing = false;
    const retry = records.filter((r) => flakyIds.includes(r.messageId));
    expect(await handler(batch(...retry), CONTEXT)).toEqual({ batchItemFailures: [] });
    expect(await storedItem('flaky-1')).toEqual(await storedItem('single-1'));
  });

  it('refuses a malformed record alone (it goes to the DLQ after its retries), ignores other event types, writes the rest', async () => {
    const handler = createCdrHandler({ cdrs: db.stores.cdrs });
    const s = callSteps('mixed-1');
    const badJson = { messageId: 'bad-json', body: '{"detail-type": "call.end", ' };
    const badEvent = { messageId: 'bad-event', body: JSON.stringify({ source: 'nimbus.edge', 'detail-type': 'call.end', detail: { tenantId: 'acme' } }) };
    const noBody = { messageId: 'no-body' };
    const other = { messageId: 'other', body: JSON.stringify({ source: 'nimbus.edge', 'detail-type': 'ban.added', detail: {} }) };
    const response = (await handler({ Records: [record(s.attempt), badJson, badEvent, noBody, other, record(s.end)] } as SqsBatchEvent, CONTEXT)) as SqsBatchResponse;
    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['bad-event', 'bad-json', 'no-body']);
    expect(await db.stores.cdrs.getCdr('acme', 'mixed-1')).toMatchObject({ state: 'closed', edgeId: 'edge-b' });
  });

  it('still takes a single EventBridge event (compatibility)', async () => {
    const handler = createCdrHandler({ cdrs: db.stores.cdrs });
    const [type, detail] = callSteps('compat-1').attempt;
    expect(await handler(toEventBridgeEnvelope(callEvent(type, detail as never), 'c-1'), CONTEXT)).toMatchObject({ callRef: 'compat-1', applied: true, state: 'open' });
  });

  it('writes as many calls at once as writeConcurrency allows (the local stack: one), and every CDR of the batch', async () => {
    const inFlightPeak = async (writeConcurrency: number | undefined, prefix: string) => {
      let inFlight = 0;
      let peak = 0;
      const doc = {
        send: async (command: unknown) => {
          peak = Math.max(peak, ++inFlight);
          try {
            return await (db.doc.send as (c: unknown) => Promise<unknown>)(command);
          } finally {
            inFlight--;
          }
        },
      } as unknown as DynamoDBDocumentClient;
      const handler = createCdrHandler({ cdrs: new CdrRepository(doc, TEST_TABLE), ...(writeConcurrency !== undefined ? { writeConcurrency } : {}) });
      const calls = Array.from({ length: 20 }, (_, i) => callSteps(`${prefix}-${i}`));
      const response = (await handler(batch(...calls.flatMap((c) => [record(c.attempt), record(c.end)])), CONTEXT)) as SqsBatchResponse;
      expect(response).toEqual({ batchItemFailures: [] });
      for (let i = 0; i < 20; i++) expect(await db.stores.cdrs.getCdr('acme', `${prefix}-${i}`)).toMatchObject({ state: 'closed' });
      return peak;
    };
    expect(await inFlightPeak(1, 'one-at-a-time')).toBe(1);
    expect(await inFlightPeak(undefined, 'default')).toBe(8);
  });
});
