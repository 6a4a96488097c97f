/**
 * Report hours: every report row covers one UTC hour [start, start + 1 h),
 * named by its start as a full ISO-8601 time ("2026-11-26T10:00:00.000Z")
 * so that rows and CDRs sort and range-query as strings alike. Pure.
 */
export const HOUR_MS = 3_600_000;

/** Start (epoch ms) of the UTC hour holding `epochMs`. */
export const hourStartMs = (epochMs: number): number => Math.floor(epochMs / HOUR_MS) * HOUR_MS;

/** The hour's name: its start as toISOString(). */
export const hourIso = (epochMs: number): string => new Date(hourStartMs(epochMs)).toISOString();

/** The hour after `hour` (an hourIso). */
export const nextHourIso = (hour: string): string => new Date(Date.parse(hour) + HOUR_MS).toISOString();

/** The hour a time belongs to (undefined when `iso` is not a time). */
export function hourOf(iso: string): string | undefined {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : hourIso(ms);
}

/**
 * Parses the admin API's hour parameter: "2026-11-26T10" (UTC), also
 * accepting a full time that lies exactly on an hour. Undefined when invalid.
 */
export function parseHour(text: string): string | undefined {
  const short = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})$/.exec(text);
  const iso = short ? `${text}:00:00.000Z` : text;
  if (!short && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return undefined;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms) || ms !== hourStartMs(ms)) return undefined;
  // Date.parse rolls "T25" or "02-30" over; a round trip catches it for the short form.
  if (short && new Date(ms).toISOString().slice(0, 13) !== text) return undefined;
  return new Date(ms).toISOString();
}

/** Every hour from `first` to `last`, both included (empty when last < first). */
export function hoursFrom(first: string, last: string): string[] {
  const out: string[] = [];
  for (let ms = Date.parse(first); ms <= Date.parse(last); ms += HOUR_MS) out.push(new Date(ms).toISOString());
  return out;
}
