/**
 * The admin API's first endpoints against dynalite, called with the API
 * Gateway HTTP API events the cloud and the local bridge both deliver:
 * CDRs by time range (paged), report rows as JSON and CSV with the same
 * numbers, the on-demand rollup, and the refusals (401, 400, 404, 405).
 */
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminHttpEvent } from '../../contracts/http-event.js';
import { createAdminApiHandler } from '../../functions/src/admin-api/admin-api-handler.js';
import { adminApiDeps } from '../../functions/src/admin-api/admin-api-deps.js';
import { InProcessBus } from '../../contracts/bus/in-process-bus.js';
import { callEvent } from '../../contracts/bus/call-events.js';
import { cdrWriteFor } from '../../functions/src/cdr/cdr-merge.js';
import { startLocalDynamo, type LocalDynamo } from './local-dynamo.js';

const CONTEXT = {} as Context;
const TOKEN = 'test-admin-token-0123456789abcdef';
const HOUR = '2025-06-01T08:00:00.000Z';
const NOW = Date.parse('2025-06-01T09:30:00.000Z');

let db: LocalDynamo;
let api: ReturnType<typeof createAdminApiHandler>;

function request(method: string, path: string, o: { query?: Record<string, string>; token?: string | null; accept?: string; body?: unknown; claims?: Record<string, unknown> } = {}): Promise<{ statusCode: number; headers: Record<string, string>; body: string }> {
  const event: AdminHttpEvent = {
    routeKey: '$default',
    rawPath: path,
    headers: {
      ...(o.token !== null ? { authorization: `Bearer ${o.token ?? TOKEN}` } : {}),
      ...(o.accept ? { accept: o.accept } : {}),
    },
    ...(o.query ? { queryStringParameters: o.query } : {}),
    ...(o.body !== undefined ? { body: typeof o.body === 'string' ? o.body : JSON.stringify(o.body) } : {}),
    requestContext: { http: { method }, ...(o.claims ? { authorizer: { jwt: { claims: o.claims } } } : {}) },
  };
  return api(event, CONTEXT);
}

const RANGE = { from: '2025-06-01T00:00:00Z', to: '2025-06-02T00:00:00Z' };

beforeAll(async () => {
  db = await startLocalDynamo();
  const { cdrs } = db.stores;
  api = createAdminApiHandler(adminApiDeps({ stores: db.stores, bus: new InProcessBus(), now: () => NOW, adminToken: TOKEN }));
  for (let i = 0; i < 5; i++) {
    const start = new Date(Date.parse(HOUR) + i * 60_000).toISOString();
    const answered = i < 3;
    await cdrs.applyWrite(
      cdrWriteFor(
        callEvent('call.end', {
          tenantId: 'acme',
          callId: `api-${i}`,
          direction: 'internal',
          caller: { ext: '1001' },
          callee: { ext: '1002' },
          startTime: start,
          alertTime: start,
          ...(answered ? { answerTime: start } : {}),
          endTime: new Date(Date.parse(start) + (answered ? 20_000 : 3000)).toISOString(),
          disposition: answered ? 'answered' : 'no-answer',
          status: answered ? 200 : 408,
          hangupBy: 'caller',
        }) as never,
      ),
    );
  }
  // 1001 was online for half an hour of HOUR (as its bindings item would carry it).
  const from = new Date(Date.parse(HOUR) + 60_000).toISOString();
  await db.stores.online.joinRollup('acme', from);
  await db.stores.online.archiveInterval({ tenantId: 'acme', ext: '1001' }, { from, until: new Date(Date.parse(HOUR) + 1_800_000).toISOString() });
});

afterAll(async () => {
  await db?.close();
});

describe('admin API: reports and CDRs (API Gateway HTTP API events, dynalite)', () => {
  it.each([
    ['no Authorization header', null],
    ['a wrong token', 'not-the-token'],
    ['a token that is a prefix of the right one', TOKEN.slice(0, -1)],
  ])('refuses %s with 401', async (_what, token) => {
    const res = await request('GET', '/api/v1/tenants/acme/reports/calls', { query: RANGE, token });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it('accepts a request API Gateway already authorized with a Cognito JWT of a Nimbus group, without the Bearer token', async () => {
    const res = await request('GET', '/admin/v1/tenants/acme/reports/calls', { query: RANGE, token: null, claims: { sub: 'admin-1', 'cognito:groups': '[nimbus-system]' } });
    expect(res.statusCode).toBe(200);
  });

  it('refuses a verified JWT that carries no Nimbus role with 403', async () => {
    const res = await request('GET', '/admin/v1/tenants/acme/reports/calls', { query: RANGE, token: null, claims: { sub: 'admin-1' } });
    expect(res.statusCode).toBe(403);
  });

  it('rolls an hour on demand and returns its rows', async () => {
    const res = await request('POST', '/api/v1/tenants/acme/reports/rollup', { body: { hour: '2025-06-01T08' } });
    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.body);
    expect(body.calls.total).toMatchObject({ attempts: 5, alerted: 5, answered: 3, noAnswer: 2, talkSeconds: 60, averageTalkSeconds: 20, asrPercent: 60, acdMinutes: 0.33 });
    expect(body.users).toMatchObject({ usersOnline: 1, peakOnline: 1 });
  });

  it('returns the same call figures as JSON and as CSV (Accept: text/csv or ?format=csv)', async () => {
    const json = JSON.parse((await request('GET', '/api/v1/tenants/acme/reports/calls', { query: RANGE })).body);
    expect(json.rows).toHaveLength(1);
    for (const res of [await request('GET', '/api/v1/tenants/acme/reports/calls', { query: RANGE, accept: 'text/csv' }), await request('GET', '/api/v1/tenants/acme/reports/calls', { query: { ...RANGE, format: 'csv' } })]) {
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      const [header, total] = res.body.trimEnd().split('\r\n').map((l) => l.split(','));
      const csv = Object.fromEntries(header.map((name, i) => [name, total[i]]));
      expect(csv.hour).toBe(json.rows[0].hour);
      expect(csv.direction).toBe('total');
      for (const [name, value] of Object.entries(json.rows[0].total)) expect(Number(csv[name]), name).toBe(value);
    }
  });

  it('returns the user report as JSON and CSV', async () => {
    const json = JSON.parse((await request('GET', '/api/v1/tenants/acme/reports/users', { query: RANGE })).body);
    expect(json.rows).toEqual([{ tenantId: 'acme', hour: HOUR, usersOnline: 1, peakOnline: 1 }]);
    const csv = await request('GET', '/api/v1/tenants/acme/reports/users', { query: { ...RANGE, format: 'csv' } });
    expect(csv.body).toBe(`hour,usersOnline,peakOnline\r\n${HOUR},1,1\r\n`);
  });

  it('pages through CDRs by time range with a cursor, oldest first', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page++) {
      const res = await request('GET', '/api/v1/tenants/acme/cdrs', { query: { ...RANGE, limit: '2', ...(cursor ? { cursor } : {}) } });
      expect(res.statusCode).toBe(200);
      const body = JSON.parse(res.body);
      seen.push(...body.cdrs.map((c: { callId: string }) => c.callId));
      cursor = body.cursor;
      if (!cursor) break;
    }
    expect(seen).toEqual(['api-0', 'api-1', 'api-2', 'api-3', 'api-4']);
    const csv = await request('GET', '/api/v1/tenants/acme/cdrs', { query: { ...RANGE, format: 'csv' } });
    expect(csv.body.split('\r\n')[0]).toMatch(/^callId,direction,caller,callee,startTime/);
    expect(csv.body.trimEnd().split('\r\n')).toHaveLength(6);
  });

  it.each([
    ['GET', '/api/v1/tenants/acme/reports/calls', { to: RANGE.to }, undefined, 400, /^from: /],
    ['GET', '/api/v1/tenants/acme/reports/calls', { from: 'yesterday', to: RANGE.to }, undefined, 400, /^from: must be an ISO-8601 time/],
    ['GET', '/api/v1/tenants/acme/reports/users', { from: RANGE.to, to: RANGE.from }, undefined, 400, /^to: must be after from/],
    ['GET', '/api/v1/tenants/acme/cdrs', { ...RANGE, limit: '0' }, undefined, 400, /^limit: /],
    ['GET', '/api/v1/tenants/acme/cdrs', { ...RANGE, cursor: 'bm9wZQ' }, undefined, 400, /^cursor: /],
    ['GET', '/api/v1/tenants/acme/reports/calls', { ...RANGE, format: 'xml' }, undefined, 400, /^format: /],
    ['POST', '/api/v1/tenants/acme/reports/rollup', undefined, { hour: '2025-06-01T08:30' }, 400, /^hour: /],
    ['POST', '/api/v1/tenants/acme/reports/rollup', undefined, { hour: '2030-01-01T00' }, 400, /^hour: must not be in the future/],
    ['POST', '/api/v1/tenants/acme/reports/rollup', undefined, 'not json', 400, /must be JSON/],
    ['GET', '/api/v1/tenants/nobody/reports/calls', RANGE, undefined, 404, /tenant not found: nobody/],
    ['GET', '/api/v1/tenants/acme/reports/nothing', RANGE, undefined, 404, /no such endpoint/],
    ['DELETE', '/api/v1/tenants/acme/cdrs', RANGE, undefined, 405, /method not allowed/],
  ])('%s %s %j %j → %i', async (method, path, query, body, status, message) => {
    const res = await request(method, path, { ...(query ? { query } : {}), ...(body !== undefined ? { body } : {}) });
    expect(res.statusCode).toBe(status);
    expect(JSON.parse(res.body).error).toMatch(message);
  });
});
