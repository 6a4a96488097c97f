/**
 * The local stack routes call events to cdr the way the cloud's SQS event
 * source does (contracts/bus/event-routes.ts CallEventsToCdr `batching`):
 * collected for the window, handed over as ONE SQS-shaped batch
 * (`{ Records: [{ messageId, body: <EventBridge event JSON> }] }`) that the
 * same handler reads, and the pending batch is written on a clean stop.
 * The window here is an hour, so only the stop (never a timer) can deliver.
 */
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessBus } from '../../contracts/bus/in-process-bus.js';
import { callEvent } from '../../contracts/bus/call-events.js';
import { createLogger } from '../../edge/src/logger.js';
import { startLocalBackground } from '../../edge/src/local-stack/local-background.js';
import { createBackgroundHandlers, createFunctionsRuntime } from '../../functions/src/index.js';
import { startLocalDynamo, TEST_TABLE, type LocalDynamo } from './local-dynamo.js';

const T = (s: number) => new Date(Date.UTC(2026, 0, 5, 9, 0, s)).toISOString();
let db: LocalDynamo;

beforeAll(async () => {
  db = await startLocalDynamo();
});

afterAll(async () => {
  await db?.close();
});

describe('local background batching of call events for cdr (dynalite)', () => {
  it('hands a call\'s four events to cdr as one SQS batch, written when the stack stops', async () => {
    const errors: unknown[] = [];
    const bus = new InProcessBus((err) => errors.push(err));
    const runtime = createFunctionsRuntime({ store: { tableName: TEST_TABLE, dynamoEndpoint: db.endpoint, region: 'eu-west-1' }, bus });
    const handlers = createBackgroundHandlers(runtime);
    const received: unknown[] = [];
    const cdr = handlers.cdr;
    handlers.cdr = async (event: unknown, context: Context) => {
      received.push(event);
      return cdr(event, context);
    };
    const { stop, invokes } = startLocalBackground(handlers, bus, createLogger('silent'), 3_600_000, 3_600_000);

    const base = { tenantId: 'acme', callId: 'local-batch-cid', callRef: 'local-batch-1' };
    const caller = { ext: '1001' };
    const callee = { ext: '1002' };
    const answeredBy = { contact: 'sip:1002@127.0.0.1', bindingKey: 'desk' };
    await bus.publish([
      callEvent('call.attempt', { ...base, direction: 'internal', caller, callee, startTime: T(0), edgeId: 'edge-local', bootId: 'b-1', slots: [] }),
      callEvent('call.alert', { ...base, time: T(1), status: 180 }),
      callEvent('call.answer', { ...base, time: T(2), answeredBy }),
      callEvent('call.end', {
        ...base, direction: 'internal', caller, callee, startTime: T(0), alertTime: T(1), answerTime: T(2), endTime: T(12), answeredBy,
        disposition: 'answered', status: 200, hangupBy: 'callee',
      }),
    ]);
    await bus.drain();
    // Accepted and waiting in the window: nothing handed to cdr yet.
    expect(received).toEqual([]);
    expect(await db.stores.cdrs.getCdr('acme', 'local-batch-1')).toBeUndefined();

    await stop();
    expect(errors).toEqual([]);
    expect(received).toHaveLength(1);
    // One invoke for the call, as Lambda bills it (the stack's count that the cost bench reads).
    expect(invokes).toEqual({ cdr: 1 });
    const batch = received[0] as { Records: { messageId: string; body: string }[] };
    expect(batch.Records.map((r) => JSON.parse(r.body)['detail-type'])).toEqual(['call.attempt', 'call.alert', 'call.answer', 'call.end']);
    expect(JSON.parse(batch.Records[0]!.body)).toMatchObject({ version: '0', source: 'nimbus.edge', detail: { callRef: 'local-batch-1' } });
    expect(new Set(batch.Records.map((r) => r.messageId)).size).toBe(4);
    expect(await db.stores.cdrs.getCdr('acme', 'local-batch-1')).toMatchObject({ state: 'closed', talkSeconds: 10, edgeId: 'edge-local' });
    expect(await db.stores.cdrs.listOpenCalls('edge-local')).toEqual([]);
  });
});
