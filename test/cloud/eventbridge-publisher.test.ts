/**
 * The cloud bus adapter (contracts/bus/eventbridge-publisher.ts): the
 * PutEvents entries it builds, batching, rejected entries; then the real SDK
 * against a stub EventBridge endpoint (the custom-endpoint path LocalStack uses).
 */
import type { PutEventsCommand, PutEventsCommandOutput } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEventBridgePublisher, EventBridgePublisher } from '../../contracts/bus/eventbridge-publisher.js';
import type { PbxEvent } from '../../contracts/bus/pbx-event.js';
import { startAwsStub, STUB_AWS_ENV, type AwsStub } from './aws-stub.js';

const callEvent = (i: number): PbxEvent => ({
  source: 'nimbus.edge',
  detailType: 'call.attempt',
  time: '2025-01-15T12:00:00.000Z',
  detail: { callId: `call-${i}`, tenantId: 'acme' },
});

function mockClient(output: Partial<PutEventsCommandOutput> = {}) {
  const send = vi.fn(async (_command: PutEventsCommand) => ({ FailedEntryCount: 0, Entries: [], $metadata: {}, ...output }) as PutEventsCommandOutput);
  return { client: { send } as unknown as ConstructorParameters<typeof EventBridgePublisher>[0], send };
}

describe('EventBridgePublisher with a mocked client', () => {
  it('puts each event on the PBX bus with its source, detail type, time and JSON detail', async () => {
    const { client, send } = mockClient();
    await new EventBridgePublisher(client, 'nimbus-test').publish([callEvent(1)]);
    expect(send.mock.calls[0]![0].input).toEqual({
      Entries: [
        {
          EventBusName: 'nimbus-test',
          Source: 'nimbus.edge',
          DetailType: 'call.attempt',
          Time: new Date('2025-01-15T12:00:00.000Z'),
          Detail: '{"callId":"call-1","tenantId":"acme"}',
        },
      ],
    });
  });

  it('sends at most 10 entries per PutEvents call (the API limit)', async () => {
    const { client, send } = mockClient();
    await new EventBridgePublisher(client, 'nimbus-test').publish(Array.from({ length: 23 }, (_, i) => callEvent(i)));
    expect(send.mock.calls.map((c) => c[0].input.Entries!.length)).toEqual([10, 10, 3]);
  });

  it('fails with the reasons when EventBridge rejects entries', async () => {
    const { client } = mockClient({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }] });
    await expect(new EventBridgePublisher(client, 'nimbus-test').publish([callEvent(1)])).rejects.toThrow(
      'EventBridge rejected 1 event(s): InternalFailure: try again',
    );
  });
});

describe('createEventBridgePublisher against a stub endpoint', () => {
  let stub: AwsStub;

  beforeAll(async () => {
    for (const [k, v] of Object.entries(STUB_AWS_ENV)) vi.stubEnv(k, v);
    stub = await startAwsStub(() => ({ payload: null }));
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await stub?.close();
  });

  it('sends AWSEvents.PutEvents to the custom endpoint', async () => {
    await createEventBridgePublisher('nimbus-test', stub.endpoint).publish([callEvent(7)]);
    const [request] = stub.requests.filter((r) => r.target === 'AWSEvents.PutEvents');
    expect(JSON.parse(request!.body)).toMatchObject({
      Entries: [{ EventBusName: 'nimbus-test', Source: 'nimbus.edge', DetailType: 'call.attempt', Detail: '{"callId":"call-7","tenantId":"acme"}' }],
    });
  });
});
