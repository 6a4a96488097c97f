/**
 * Trunk fields of a CDR through the cdr bus consumer into dynalite: the
 * attempt's trunk and trunk slots are stored, and the end's trunkId (the
 * trunk the call failed over to) wins whichever event arrives first.
 */
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toEventBridgeEnvelope } from '../../contracts/bus/event-routes.js';
import { callEvent } from '../../contracts/bus/call-events.js';
import { createCdrHandler } from '../../functions/src/cdr/cdr-handler.js';
import { startLocalDynamo, type LocalDynamo } from './local-dynamo.js';

const CONTEXT = {} as Context;
const START = '2025-01-15T12:00:00.000Z';

let db: LocalDynamo;
let cdr: ReturnType<typeof createCdrHandler>;

beforeAll(async () => {
  db = await startLocalDynamo();
  cdr = createCdrHandler({ cdrs: db.stores.cdrs });
});

afterAll(async () => {
  await db?.close();
});

const parties = { direction: 'outbound' as const, caller: { ext: '1001' }, callee: { ext: '0049301234' } };
const attempt = (callId: string) =>
  toEventBridgeEnvelope(
    callEvent('call.attempt', {
      tenantId: 'acme', callId, ...parties, startTime: START, edgeId: 'edge-a', bootId: 'b-1',
      trunkId: 'primary', trunkSlots: [{ tenantId: 'acme', trunkId: 'primary', direction: 'out' }],
    }),
    `${callId}-attempt`,
  );
const end = (callId: string) =>
  toEventBridgeEnvelope(
    callEvent('call.end', {
      tenantId: 'acme', callId, ...parties, startTime: START, answerTime: '2025-01-15T12:00:05.000Z', endTime: '2025-01-15T12:01:00.000Z',
      disposition: 'answered', status: 200, hangupBy: 'caller', trunkId: 'backup',
    }),
    `${callId}-end`,
  );

describe('CDR trunk fields (dynalite)', () => {
  it.each([
    ['attempt first', 'cdr-trunk-1', false],
    ['end first', 'cdr-trunk-2', true],
  ])('stores the end\'s trunkId and the attempt\'s trunk slots (%s)', async (_order, callId, endFirst) => {
    const events = endFirst ? [end(callId), attempt(callId)] : [attempt(callId), end(callId)];
    for (const e of events) await cdr(e, CONTEXT);
    expect(await db.stores.cdrs.getCdr('acme', callId)).toMatchObject({
      state: 'closed',
      trunkId: 'backup',
      trunkSlots: [{ tenantId: 'acme', trunkId: 'primary', direction: 'out' }],
    });
  });
});
