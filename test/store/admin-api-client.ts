/**
 * The admin API handler over dynalite, called with the API Gateway HTTP API
 * events the cloud and the local bridge both deliver. Collects what the API
 * publishes on the bus.
 */
import type { Context } from 'aws-lambda';
import { InProcessBus } from '../../contracts/bus/in-process-bus.js';
import type { PbxEvent } from '../../contracts/bus/pbx-event.js';
import type { AdminHttpEvent } from '../../contracts/http-event.js';
import { adminApiDeps } from '../../functions/src/admin-api/admin-api-deps.js';
import { createAdminApiHandler } from '../../functions/src/admin-api/admin-api-handler.js';
import { startLocalDynamo, type LocalDynamo } from './local-dynamo.js';

export const SYSTEM_TOKEN = 'test-system-token-0123456789abcdef';

export interface ApiReply<T = any> {
  status: number;
  headers: Record<string, string>;
  body: T;
  text: string;
}

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string>;
  /** Bearer token; null = none. Default: the system token. */
  token?: string | null;
  /** JWT claims as API Gateway's authorizer would pass them (then no Bearer token unless given). */
  claims?: Record<string, unknown>;
}

export interface AdminApiHarness {
  db: LocalDynamo;
  events: PbxEvent[];
  /** The clock the API sees (epoch ms); tests may move it. */
  clock: { now: number };
  call<T = any>(method: string, path: string, options?: RequestOptions): Promise<ApiReply<T>>;
  close(): Promise<void>;
}

export async function startAdminApi(): Promise<AdminApiHarness> {
  const db = await startLocalDynamo();
  const bus = new InProcessBus();
  const events: PbxEvent[] = [];
  bus.subscribe({}, async (event) => void events.push(event));
  const clock = { now: Date.UTC(2026, 2, 1, 12, 0, 0) };
  const api = createAdminApiHandler(adminApiDeps({ stores: db.stores, bus, now: () => clock.now, adminToken: SYSTEM_TOKEN }));
  return {
    db,
    events,
    clock,
    async call(method, path, o = {}) {
      const token = o.token === undefined ? (o.claims ? null : SYSTEM_TOKEN) : o.token;
      const event: AdminHttpEvent = {
        routeKey: '$default',
        rawPath: path,
        headers: { ...(token !== null ? { authorization: `Bearer ${token}` } : {}), ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(o.query ? { queryStringParameters: o.query } : {}),
        ...(o.body !== undefined ? { body: typeof o.body === 'string' ? o.body : JSON.stringify(o.body) } : {}),
        requestContext: { http: { method }, ...(o.claims ? { authorizer: { jwt: { claims: o.claims } } } : {}) },
      };
      const res = await api(event, {} as Context);
      await bus.drain();
      let body: unknown = undefined;
      try {
        body = res.body === '' ? undefined : JSON.parse(res.body);
      } catch {
        body = res.body;
      }
      return { status: res.statusCode, headers: res.headers, body: body as never, text: res.body };
    },
    close: () => db.close(),
  };
}
