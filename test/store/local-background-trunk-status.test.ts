/**
 * The local stack routes 'trunk.status' bus events like EventBridge does in
 * the cloud (contracts/bus/event-routes.ts TrunkStatusToStore): to the
 * trunk-status function, built on a functions runtime pointed at the store,
 * so the line status lands in the store (dynalite).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessBus } from '../../contracts/bus/in-process-bus.js';
import { createLogger } from '../../edge/src/logger.js';
import { startLocalBackground } from '../../edge/src/local-stack/local-background.js';
import { trunkStatusEvent } from '../../contracts/bus/trunk-status-event.js';
import { createBackgroundHandlers, createFunctionsRuntime } from '../../functions/src/index.js';
import { startLocalDynamo, TEST_TABLE, type LocalDynamo } from './local-dynamo.js';

let db: LocalDynamo;

beforeAll(async () => {
  db = await startLocalDynamo();
});

afterAll(async () => {
  await db?.close();
});

describe('local background routing of trunk.status (dynalite)', () => {
  it('delivers a trunk.status event published on the in-process bus to trunk-status, which stores the line status', async () => {
    const errors: unknown[] = [];
    const bus = new InProcessBus((err) => errors.push(err));
    const runtime = createFunctionsRuntime({ store: { tableName: TEST_TABLE, dynamoEndpoint: db.endpoint, region: 'eu-west-1' }, bus });
    const { stop } = startLocalBackground(createBackgroundHandlers(runtime), bus, createLogger('silent'), 3_600_000);
    try {
      const since = Date.UTC(2026, 0, 5, 9, 0, 0);
      await bus.publish([trunkStatusEvent({ tenantId: 'acme', trunkId: 'local-line', status: 'online', since }, 'edge-local')]);
      await bus.drain();
      expect(errors).toEqual([]);
      expect(await db.stores.trunkStatus.getStatus('acme', 'local-line')).toMatchObject({
        status: 'online',
        since: new Date(since).toISOString(),
        edgeId: 'edge-local',
      });
    } finally {
      await stop();
    }
  });
});
