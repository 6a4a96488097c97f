/**
 * Validation of the admin API's query parameters and bodies (zod). A bad
 * request gets 400 with a message that names the parameter, e.g.
 * "from: must be an ISO-8601 time".
 */
import { z } from 'zod';
import { parseHour } from '../reports/report-hour.js';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** An ISO-8601 date or time, normalized to toISOString() (a date alone is its UTC midnight). */
const isoTime = z.string({ error: 'is required' }).transform((text, ctx) => {
  const ms = ISO_TIME.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: 'custom', message: 'must be an ISO-8601 time (e.g. 2026-11-26T10:00:00Z)' });
    return z.NEVER;
  }
  return new Date(ms).toISOString();
});

const format = z.enum(['json', 'csv'], { error: 'must be json or csv' }).optional();

/** A time range [from, to); at most 31 days so that one request stays one bounded Query. */
const MAX_RANGE_MS = 31 * 24 * 3_600_000;
const range = { from: isoTime, to: isoTime, format };
const checkRange = (v: { from: string; to: string }, ctx: z.RefinementCtx) => {
  if (v.to <= v.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
  else if (Date.parse(v.to) - Date.parse(v.from) > MAX_RANGE_MS) ctx.addIssue({ code: 'custom', path: ['to'], message: 'range must not exceed 31 days' });
};

export const reportQuerySchema = z.object(range).superRefine(checkRange);

export const CDR_PAGE_DEFAULT = 100;
export const CDR_PAGE_MAX = 1000;

export const cdrQuerySchema = z
  .object({
    ...range,
    limit: z
      .string()
      .regex(/^\d+$/, 'must be a whole number')
      .transform(Number)
      .pipe(z.number().int().min(1, `must be 1 to ${CDR_PAGE_MAX}`).max(CDR_PAGE_MAX, `must be 1 to ${CDR_PAGE_MAX}`))
      .optional(),
    cursor: z.string().min(1).max(2048).optional(),
  })
  .superRefine(checkRange);

export const rollupBodySchema = z.object({
  hour: z.string({ error: 'is required' }).transform((text, ctx) => {
    const hour = parseHour(text);
    if (hour === undefined) {
      ctx.addIssue({ code: 'custom', message: 'must be a UTC hour like 2026-11-26T10' });
      return z.NEVER;
    }
    return hour;
  }),
});

export const LIST_PAGE_DEFAULT = 100;
export const LIST_PAGE_MAX = 1000;

/** ?limit=&cursor= of the paged lists (users, audit log). */
export const pageQuerySchema = z
  .object({
    limit: z
      .string()
      .regex(/^\d+$/, 'must be a whole number')
      .transform(Number)
      .pipe(z.number().int().min(1, `must be 1 to ${LIST_PAGE_MAX}`).max(LIST_PAGE_MAX, `must be 1 to ${LIST_PAGE_MAX}`))
      .optional(),
    cursor: z.string().min(1).max(2048).optional(),
  })
  .meta({ id: 'PageQuery' });

/** "name: message; …" for a 400 reply. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.map(String).join('.') || '(body)'}: ${i.message}`).join('; ');
}
