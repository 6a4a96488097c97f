/**
 * The admin API's routes as a table: method, path pattern, action. Paths are
 * matched after an optional mount prefix, so the same handler serves
 * /api/v1/… on the local stack and /admin/v1/… behind the cloud's HTTP API
 * route "ANY /admin/{proxy+}" (infra/admin-api.ts).
 */
import type { z } from 'zod';
import { callReportCsv, cdrCsv, userReportCsv } from '../reports/report-csv.js';
import type { CallReportRow } from '../reports/call-report.js';
import { hourIso } from '../reports/report-hour.js';
import type { UserReportRow } from '../reports/user-report.js';
import type { RollupDeps } from '../reports/rollup-hour.js';
import { rollupHour } from '../reports/rollup-hour.js';
import type { CdrPage, ReportKind } from '../reports/report-repository.js';
import { InvalidCursorError } from '../reports/report-repository.js';
import type { TrunkStatusStore } from '../trunks/trunk-status-repository.js';
import type { TrunkUsageStore } from '../trunks/trunk-usage-repository.js';
import type { TrunkReader } from '../trunks/trunk-repository.js';
import { csvResult, errorResult, jsonResult, requestBody, wantsCsv, type AdminHttpEvent, type AdminHttpResult } from '../../../contracts/http-event.js';
import { CDR_PAGE_DEFAULT, cdrQuerySchema, describeIssues, reportQuerySchema, rollupBodySchema } from './query-params.js';
import { toAdminTrunkView } from './trunk-view.js';

/** What GET /trunks reads: the tenant's trunks, their usage counters and line statuses. */
export interface AdminTrunkDeps {
  trunks: Pick<TrunkReader, 'listTrunks'>;
  usage: Pick<TrunkUsageStore, 'usage'>;
  status: Pick<TrunkStatusStore, 'listStatuses'>;
}

export interface AdminApiDeps {
  directory: { getTenant(tenantId: string): Promise<{ id: string } | undefined> };
  reports: {
    listReports<T extends CallReportRow | UserReportRow>(tenantId: string, kind: ReportKind, fromIso: string, toIso: string): Promise<T[]>;
    listCdrPage(tenantId: string, fromIso: string, toIso: string, limit: number, cursor?: string): Promise<CdrPage>;
  };
  rollup: RollupDeps;
  /** SIP trunks (GET /trunks); without it that route answers 501. */
  trunks?: AdminTrunkDeps;
  /** PBX_ADMIN_TOKEN; undefined = only JWT-authorized (cloud) requests pass. */
  adminToken: string | undefined;
}

type Action = (tenantId: string, event: AdminHttpEvent, deps: AdminApiDeps) => Promise<AdminHttpResult>;

export interface Route {
  method: 'GET' | 'POST';
  /** Below /v1/tenants/{tenant}. */
  path: string;
  action: Action;
}

function parse<T extends z.ZodType>(schema: T, input: unknown): { ok: true; value: z.output<T> } | { ok: false; result: AdminHttpResult } {
  const parsed = schema.safeParse(input);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, result: errorResult(400, describeIssues(parsed.error)) };
}

const query = (event: AdminHttpEvent) => event.queryStringParameters ?? {};

const listCdrs: Action = async (tenantId, event, deps) => {
  const q = parse(cdrQuerySchema, query(event));
  if (!q.ok) return q.result;
  const { from, to, limit, cursor } = q.value;
  let page: CdrPage;
  try {
    page = await deps.reports.listCdrPage(tenantId, from, to, limit ?? CDR_PAGE_DEFAULT, cursor);
  } catch (err) {
    if (err instanceof InvalidCursorError) return errorResult(400, err.message);
    throw err;
  }
  if (wantsCsv(event)) {
    const result = csvResult(cdrCsv(page.cdrs), `cdrs-${tenantId}.csv`);
    // The next page's cursor travels in a header: CSV has no room for it.
    return page.cursor ? { ...result, headers: { ...result.headers, 'x-next-cursor': page.cursor } } : result;
  }
  return jsonResult(200, { tenantId, from, to, cdrs: page.cdrs, ...(page.cursor ? { cursor: page.cursor } : {}) });
};

function listRows(kind: ReportKind): Action {
  return async (tenantId, event, deps) => {
    const q = parse(reportQuerySchema, query(event));
    if (!q.ok) return q.result;
    const { from, to } = q.value;
    if (kind === 'CALLS') {
      const rows = await deps.reports.listReports<CallReportRow>(tenantId, kind, from, to);
      return wantsCsv(event) ? csvResult(callReportCsv(rows), `calls-${tenantId}.csv`) : jsonResult(200, { tenantId, from, to, rows });
    }
    const rows = await deps.reports.listReports<UserReportRow>(tenantId, kind, from, to);
    return wantsCsv(event) ? csvResult(userReportCsv(rows), `users-${tenantId}.csv`) : jsonResult(200, { tenantId, from, to, rows });
  };
}

const triggerRollup: Action = async (tenantId, event, deps) => {
  let body: unknown;
  try {
    body = JSON.parse(requestBody(event) || 'null');
  } catch {
    return errorResult(400, '(body): must be JSON like {"hour": "2026-11-26T10"}');
  }
  const b = parse(rollupBodySchema, body);
  if (!b.ok) return b.result;
  const { hour } = b.value;
  const now = deps.rollup.now();
  // The current hour may be rolled (a partial hour, re-rolled later by the schedule); a future one has nothing yet.
  if (hour > hourIso(now)) return errorResult(400, 'hour: must not be in the future');
  // The schedule rolls this tenant from now on too.
  await deps.rollup.reports.markTenant(tenantId, new Date(now).toISOString());
  const rolled = await rollupHour(deps.rollup, tenantId, hour);
  return jsonResult(200, { tenantId, hour, calls: rolled.calls ?? null, users: rolled.users ?? null });
};

const listTrunks: Action = async (tenantId, _event, deps) => {
  if (!deps.trunks) return errorResult(501, 'trunks are not configured');
  const { trunks, usage, status } = deps.trunks;
  const [list, statuses] = await Promise.all([trunks.listTrunks(tenantId), status.listStatuses(tenantId)]);
  const statusById = new Map(statuses.map((s) => [s.trunkId, s]));
  const views = await Promise.all(
    list.map(async (t) => toAdminTrunkView(t, await usage.usage({ tenantId, trunkId: t.id }), statusById.get(t.id))),
  );
  return jsonResult(200, { tenantId, trunks: views });
};

export const ROUTES: readonly Route[] = [
  { method: 'GET', path: '/cdrs', action: listCdrs },
  { method: 'GET', path: '/reports/calls', action: listRows('CALLS') },
  { method: 'GET', path: '/reports/users', action: listRows('USERS') },
  { method: 'POST', path: '/reports/rollup', action: triggerRollup },
  { method: 'GET', path: '/trunks', action: listTrunks },
];

/** "/api/v1/tenants/acme/reports/calls" → { tenantId: 'acme', rest: '/reports/calls' }. */
const TENANT_PATH = /^(?:\/[a-z]+)?\/v1\/tenants\/([^/]+)(\/.*)$/;

export type RouteMatch = { kind: 'route'; route: Route; tenantId: string } | { kind: 'method-not-allowed'; allow: string } | { kind: 'not-found' };

export function matchRoute(method: string, rawPath: string): RouteMatch {
  const m = TENANT_PATH.exec(rawPath.replace(/\/+$/, ''));
  if (!m) return { kind: 'not-found' };
  let tenantId: string;
  try {
    tenantId = decodeURIComponent(m[1]);
  } catch {
    return { kind: 'not-found' };
  }
  const candidates = ROUTES.filter((r) => r.path === m[2]);
  if (candidates.length === 0) return { kind: 'not-found' };
  const route = candidates.find((r) => r.method === method.toUpperCase());
  return route ? { kind: 'route', route, tenantId } : { kind: 'method-not-allowed', allow: candidates.map((r) => r.method).join(', ') };
}
