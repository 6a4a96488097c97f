/**
 * CDRs and reports of a tenant (docs/reports.md): CDRs by time range in
 * pages, the basic call report and the local user report as JSON or CSV
 * (?format=csv or Accept: text/csv), and the on-demand rollup of an hour.
 */
import { z } from 'zod';
import { csvResult, wantsCsv } from '../../../contracts/http-event.js';
import type { CallReportRow } from '../reports/call-report.js';
import { callReportCsv, cdrCsv, userReportCsv } from '../reports/report-csv.js';
import { hourIso } from '../reports/report-hour.js';
import { InvalidCursorError, type CdrPage, type ReportKind } from '../reports/report-repository.js';
import { rollupHour } from '../reports/rollup-hour.js';
import type { UserReportRow } from '../reports/user-report.js';
import { badRequest } from './api-error.js';
import { CDR_PAGE_DEFAULT, cdrQuerySchema, reportQuerySchema, rollupBodySchema } from './query-params.js';
import { reply } from './replies.js';
import { route, tenantOf, type RouteResult } from './route.js';

const TAG = 'CDRs and reports';

const rowsView = z.object({ tenantId: z.string(), from: z.string(), to: z.string(), rows: z.array(z.record(z.string(), z.unknown())) });

const listCdrs = route<undefined, z.output<typeof cdrQuerySchema>>({
  method: 'GET',
  path: '/tenants/{tenant}/cdrs',
  access: 'tenant',
  summary: 'CDRs whose call started in [from, to), oldest first, in pages (?limit=, ?cursor=; CSV: the next cursor in X-Next-Cursor)',
  tag: TAG,
  query: cdrQuerySchema,
  success: {
    status: 200,
    schema: z.object({ tenantId: z.string(), from: z.string(), to: z.string(), cdrs: z.array(z.record(z.string(), z.unknown())), cursor: z.string().optional() }).meta({ id: 'CdrPage' }),
    csv: true,
  },
  errors: [404],
  action: async (ctx) => {
    const tenantId = tenantOf(ctx).id;
    const { from, to, limit, cursor } = ctx.query;
    let page: CdrPage;
    try {
      page = await ctx.deps.reports.listCdrPage(tenantId, from, to, limit ?? CDR_PAGE_DEFAULT, cursor);
    } catch (err) {
      if (err instanceof InvalidCursorError) throw badRequest(err.message);
      throw err;
    }
    if (wantsCsv(ctx.event)) {
      const result = csvResult(cdrCsv(page.cdrs), `cdrs-${tenantId}.csv`);
      // The next page's cursor travels in a header: CSV has no room for it.
      return { response: page.cursor ? { ...result, headers: { ...result.headers, 'x-next-cursor': page.cursor } } : result };
    }
    return reply(200, { tenantId, from, to, cdrs: page.cdrs, ...(page.cursor ? { cursor: page.cursor } : {}) });
  },
});

function reportRoute(kind: ReportKind, path: string, summary: string) {
  return route<undefined, z.output<typeof reportQuerySchema>>({
    method: 'GET',
    path,
    access: 'tenant',
    summary,
    tag: TAG,
    query: reportQuerySchema,
    success: { status: 200, schema: rowsView, csv: true },
    errors: [404],
    action: async (ctx): Promise<RouteResult> => {
      const tenantId = tenantOf(ctx).id;
      const { from, to } = ctx.query;
      const csv = wantsCsv(ctx.event);
      if (kind === 'CALLS') {
        const rows = await ctx.deps.reports.listReports<CallReportRow>(tenantId, kind, from, to);
        return csv ? { response: csvResult(callReportCsv(rows), `calls-${tenantId}.csv`) } : reply(200, { tenantId, from, to, rows });
      }
      const rows = await ctx.deps.reports.listReports<UserReportRow>(tenantId, kind, from, to);
      return csv ? { response: csvResult(userReportCsv(rows), `users-${tenantId}.csv`) } : reply(200, { tenantId, from, to, rows });
    },
  });
}

const triggerRollup = route<z.output<typeof rollupBodySchema>>({
  method: 'POST',
  path: '/tenants/{tenant}/reports/rollup',
  access: 'tenant',
  summary: 'Roll up one hour now ({"hour": "2026-11-26T10"}) and return its rows',
  tag: TAG,
  body: rollupBodySchema,
  success: { status: 200, schema: z.object({ tenantId: z.string(), hour: z.string(), calls: z.unknown(), users: z.unknown() }) },
  errors: [404],
  action: async (ctx) => {
    const tenantId = tenantOf(ctx).id;
    const { hour } = ctx.body;
    const { rollup } = ctx.deps;
    const now = rollup.now();
    // The current hour may be rolled (a partial hour, re-rolled later by the schedule); a future one has nothing yet.
    if (hour > hourIso(now)) throw badRequest('hour: must not be in the future');
    // The schedule rolls this tenant from now on too.
    await rollup.reports.markTenant(tenantId, new Date(now).toISOString());
    const rolled = await rollupHour(rollup, tenantId, hour);
    return reply(200, { tenantId, hour, calls: rolled.calls ?? null, users: rolled.users ?? null });
  },
});

export const REPORT_ROUTES = [
  listCdrs,
  reportRoute('CALLS', '/tenants/{tenant}/reports/calls', 'Basic call report rows per hour in [from, to) (JSON or CSV)'),
  reportRoute('USERS', '/tenants/{tenant}/reports/users', 'Local user report rows per hour in [from, to) (JSON or CSV)'),
  triggerRollup,
];
