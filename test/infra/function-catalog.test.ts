import { describe, expect, it } from 'vitest';
import { FUNCTION_ENTRIES } from '../../functions/build.js';
import { EVENT_ROUTES, routesToFunction, toEventBridgeEnvelope } from '../../contracts/bus/event-routes.js';
import { matchesPattern, type PbxEvent } from '../../contracts/bus/pbx-event.js';
import { EDGE_FUNCTIONS } from '../../contracts/function-events.js';
import { DYNAMODB_READ_ACTIONS, FUNCTION_CATALOG, entryOf, scheduleExpression } from '../../infra/function-catalog.js';

const byName = new Map(FUNCTION_CATALOG.map((e) => [e.name, e]));

describe('function catalog (infra/function-catalog.ts)', () => {
  it('lists every function once, with the entry functions/build.ts bundles', () => {
    expect(byName.size).toBe(FUNCTION_CATALOG.length);
    for (const [name, entry] of Object.entries(FUNCTION_ENTRIES)) expect(byName.get(name)?.entry).toBe(entry);
  });

  it('marks every function the edge invokes in-process as edge-triggered (the edge role may invoke exactly those)', () => {
    for (const name of EDGE_FUNCTIONS) expect(byName.get(name)?.trigger).toBe('edge');
  });

  it('refuses a function functions/build.ts does not bundle, naming it', () => {
    expect(() => entryOf('no-such-function')).toThrow(/no-such-function has no entry in functions\/build.ts/);
  });

  it('gives read-level functions read actions only and every function at least one action', () => {
    for (const entry of FUNCTION_CATALOG) {
      expect(entry.table.actions.length).toBeGreaterThan(0);
      if (entry.table.level === 'read') expect(entry.table.actions.every((a) => DYNAMODB_READ_ACTIONS.includes(a))).toBe(true);
      else expect(entry.table.actions.some((a) => !DYNAMODB_READ_ACTIONS.includes(a))).toBe(true);
    }
  });

  it('has a bus route for every bus-triggered function and a bus-triggered function for every function route', () => {
    for (const entry of FUNCTION_CATALOG.filter((e) => e.trigger === 'bus')) expect(routesToFunction(entry.name).length).toBeGreaterThan(0);
    for (const route of EVENT_ROUTES) {
      if (route.consumer.kind === 'function') expect(byName.get(route.consumer.name)?.trigger).toBe('bus');
    }
  });

  it.each([
    [{ everyMinutes: 1 }, 'rate(1 minute)'],
    [{ everyMinutes: 15 }, 'rate(15 minutes)'],
    [{ hourlyAtMinute: 5 }, 'cron(5 * * * ? *)'],
  ])('turns schedule %j into the EventBridge expression %s', (schedule, expression) => {
    expect(scheduleExpression(schedule)).toBe(expression);
  });
});

describe('event routes (contracts/bus/event-routes.ts)', () => {
  const event = (detailType: PbxEvent['detailType'], source: PbxEvent['source'] = 'nimbus.edge'): PbxEvent => ({
    source,
    detailType,
    time: '2025-01-01T10:00:00.000Z',
    detail: { callId: 'c1' },
  });
  const consumersOf = (e: PbxEvent) => EVENT_ROUTES.filter((r) => matchesPattern(e, r.pattern)).map((r) => r.consumer);

  it('sends call events from the edge to cdr and nowhere else', () => {
    for (const type of ['call.attempt', 'call.alert', 'call.answer', 'call.end'] as const) {
      expect(consumersOf(event(type))).toEqual([{ kind: 'function', name: 'cdr' }]);
    }
    expect(consumersOf(event('call.end', 'nimbus.functions'))).toEqual([]);
  });

  it('sends ban events to the event log, and trunk status to the trunk-status function and the event log', () => {
    expect(consumersOf(event('ban.added', 'nimbus.functions'))).toEqual([{ kind: 'event-log' }]);
    expect(consumersOf(event('trunk.status'))).toEqual([{ kind: 'function', name: 'trunk-status' }, { kind: 'event-log' }]);
  });

  it('sends directory.changed from the admin API to the event log only', () => {
    expect(consumersOf(event('directory.changed', 'nimbus.functions'))).toEqual([{ kind: 'event-log' }]);
  });

  it('wraps an event the way EventBridge delivers it to a Lambda target', () => {
    expect(toEventBridgeEnvelope(event('call.answer'), 'id-1')).toEqual({
      version: '0',
      id: 'id-1',
      'detail-type': 'call.answer',
      source: 'nimbus.edge',
      account: '000000000000',
      time: '2025-01-01T10:00:00.000Z',
      region: 'local',
      resources: [],
      detail: { callId: 'c1' },
    });
  });
});
