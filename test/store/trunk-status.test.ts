/**
 * The trunk-status bus consumer against dynalite: a 'trunk.status' event
 * (EventBridge envelope or PbxEvent) becomes the line's stored status, the
 * latest `since` wins whatever the delivery order, and other events are
 * ignored.
 */
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toEventBridgeEnvelope } from '../../contracts/bus/event-routes.js';
import type { PbxEvent } from '../../contracts/bus/pbx-event.js';
import { createTrunkStatusHandler } from '../../functions/src/trunks/trunk-status-handler.js';
import type { TrunkStatusDetail } from '../../contracts/bus/trunk-status-event.js';
import { startLocalDynamo, type LocalDynamo } from './local-dynamo.js';

const CONTEXT = {} as Context;
const NOW = Date.UTC(2026, 0, 5, 10, 0, 0);

let db: LocalDynamo;
let handler: ReturnType<typeof createTrunkStatusHandler>;

beforeAll(async () => {
  db = await startLocalDynamo();
  handler = createTrunkStatusHandler({ trunkStatus: db.stores.trunkStatus, now: () => NOW });
});

afterAll(async () => {
  await db?.close();
});

const statusEvent = (detail: TrunkStatusDetail): PbxEvent<TrunkStatusDetail> => ({ source: 'nimbus.edge', detailType: 'trunk.status', time: detail.since, detail });
const online = (trunkId: string, since: string): TrunkStatusDetail => ({ tenantId: 'acme', trunkId, status: 'online', since, edgeId: 'edge-a' });
const offline = (trunkId: string, since: string): TrunkStatusDetail => ({
  tenantId: 'acme', trunkId, status: 'offline', lastError: '403 Forbidden', since, edgeId: 'edge-b',
});

describe('trunk-status consumer (dynalite)', () => {
  it('stores the status of an EventBridge-delivered event with the time it was written', async () => {
    const result = await handler(toEventBridgeEnvelope(statusEvent(offline('line-1', '2026-01-05T09:00:00Z')), 'id-1'), CONTEXT);
    expect(result).toEqual({ tenantId: 'acme', trunkId: 'line-1', stored: true });
    expect(await db.stores.trunkStatus.getStatus('acme', 'line-1')).toEqual({
      tenantId: 'acme', trunkId: 'line-1', status: 'offline', lastError: '403 Forbidden', since: '2026-01-05T09:00:00.000Z', edgeId: 'edge-b',
      updatedAt: new Date(NOW).toISOString(),
    });
  });

  it.each([
    ['in order', [0, 1]],
    ['out of order', [1, 0]],
  ])('keeps the latest change when the events arrive %s (an older one is ignored)', async (_order, indices) => {
    const trunkId = `line-order-${indices.join('')}`;
    const events = [offline(trunkId, '2026-01-05T09:00:00.000Z'), online(trunkId, '2026-01-05T09:05:00.000Z')];
    for (const i of indices) await handler(statusEvent(events[i]!), CONTEXT);
    // A redelivery of the latest is harmless.
    expect(await handler(statusEvent(events[1]!), CONTEXT)).toMatchObject({ stored: true });
    const stored = await db.stores.trunkStatus.getStatus('acme', trunkId);
    expect(stored).toMatchObject({ status: 'online', since: '2026-01-05T09:05:00.000Z', edgeId: 'edge-a' });
    expect(stored).not.toHaveProperty('lastError');
  });

  it('reports an older event as not stored', async () => {
    await handler(statusEvent(online('line-old', '2026-01-05T09:05:00Z')), CONTEXT);
    expect(await handler(statusEvent(offline('line-old', '2026-01-05T09:04:59Z')), CONTEXT)).toEqual({ tenantId: 'acme', trunkId: 'line-old', stored: false });
  });

  it('ignores other detail types and throws on a malformed trunk.status detail (EventBridge retries, then dead-letters it)', async () => {
    expect(await handler({ 'detail-type': 'call.end', detail: {} }, CONTEXT)).toEqual({ ignored: true, detailType: 'call.end' });
    await expect(handler({ detailType: 'trunk.status', detail: { tenantId: 'acme', trunkId: 'x', status: 'maybe', since: 'yesterday', edgeId: 'e' } }, CONTEXT)).rejects.toThrow(
      /status.*since/,
    );
  });

  it('lists the stored statuses of a tenant only', async () => {
    await handler(statusEvent({ ...online('g-line', '2026-01-05T09:00:00Z'), tenantId: 'globex' }), CONTEXT);
    const acme = await db.stores.trunkStatus.listStatuses('acme');
    expect(acme.length).toBeGreaterThan(0);
    expect(acme.every((s) => s.tenantId === 'acme')).toBe(true);
    expect((await db.stores.trunkStatus.listStatuses('globex')).map((s) => s.trunkId)).toEqual(['g-line']);
  });
});
