/**
 * The local stack routes 'trunk.status' bus events like EventBridge does in
 * the cloud (contracts/bus/event-routes.ts TrunkStatusToStore): to the
 * trunk-status function, whose dependencies come from the environment, so
 * the line status lands in the store (dynalite).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessBus } from '../../contracts/bus/in-process-bus.js';
import { createLogger } from '../../edge/src/logger.js';
import { startLocalBackground } from '../../edge/src/local-stack/local-background.js';
import { trunkStatusEvent } from '../../contracts/bus/trunk-status-event.js';
import { startLocalDynamo, TEST_TABLE, type LocalDynamo } from './local-dynamo.js';

const STORE_VARIABLES = ['PBX_TABLE_NAME', 'PBX_DYNAMODB_ENDPOINT', 'AWS_REGION'] as const;

let db: LocalDynamo;
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  db = await startLocalDynamo();
  for (const name of STORE_VARIABLES) saved[name] = process.env[name];
  Object.assign(process.env, { PBX_TABLE_NAME: TEST_TABLE, PBX_DYNAMODB_ENDPOINT: db.endpoint, AWS_REGION: 'eu-west-1' });
});

afterAll(async () => {
  for (const name of STORE_VARIABLES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  await db?.close();
});

describe('local background routing of trunk.status (dynalite)', () => {
  it('delivers a trunk.status event published on the in-process bus to trunk-status, which stores the line status', async () => {
    const errors: unknown[] = [];
    const bus = new InProcessBus((err) => errors.push(err));
    const stop = startLocalBackground(bus, createLogger('silent'), 3_600_000);
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
      stop();
    }
  });
});
