/**
 * Bus events carry ISO-8601 times; consumers normalize them to
 * `toISOString()` form so that times compare as strings (the CDR merge
 * relies on it).
 */
/** Normalizes an ISO-8601 time so times compare as strings (undefined when it is not a time). */
export function isoTime(text: string): string | undefined {
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
