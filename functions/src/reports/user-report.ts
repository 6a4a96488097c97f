/**
 * The local user report (MSS "local user report"): one row per tenant and
 * hour with the number of distinct local users online at any time in the
 * hour and the peak number online at once. A user is online while it has at
 * least one live registration; the register function records that as online
 * intervals [from, until) per user (store/online-repository.ts). Pure maths.
 *
 * Intervals of one user may overlap (several devices, refreshes racing); they
 * are merged per user first, so a user never counts twice, neither in the
 * distinct count nor in the peak. An interval that ends exactly when another
 * starts does not overlap it (half-open intervals).
 */
export interface OnlineInterval {
  ext: string;
  /** ISO-8601 times; `until` is the end of the last known binding (or the unregistration). */
  from: string;
  until: string;
}

export interface UserReportRow {
  tenantId: string;
  hour: string;
  /** Distinct users online at some time in the hour. */
  usersOnline: number;
  /** Most users online at the same time within the hour. */
  peakOnline: number;
}

export const USER_FIGURE_NAMES: readonly ('usersOnline' | 'peakOnline')[] = ['usersOnline', 'peakOnline'];

type Span = [number, number];

/** Union of spans, sorted; touching spans join. */
function merge(spans: Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out.at(-1);
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else out.push([s[0], s[1]]);
  }
  return out;
}

/** The row of the hour [hour, hour + 1 h), or undefined when nobody was online. */
export function buildUserReport(tenantId: string, hour: string, intervals: readonly OnlineInterval[], hourMs = 3_600_000): UserReportRow | undefined {
  const start = Date.parse(hour);
  const end = start + hourMs;
  const byUser = new Map<string, Span[]>();
  for (const i of intervals) {
    const from = Math.max(start, Date.parse(i.from));
    const until = Math.min(end, Date.parse(i.until));
    if (!(from < until)) continue;
    const spans = byUser.get(i.ext) ?? [];
    spans.push([from, until]);
    byUser.set(i.ext, spans);
  }
  if (byUser.size === 0) return undefined;
  // Sweep: +1 at each start, -1 at each end; ends sort before starts at the same instant.
  const edges: Array<[number, number]> = [];
  for (const spans of byUser.values()) for (const [f, u] of merge(spans)) edges.push([f, 1], [u, -1]);
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let online = 0;
  let peak = 0;
  for (const [, delta] of edges) {
    online += delta;
    peak = Math.max(peak, online);
  }
  return { tenantId, hour, usersOnline: byUser.size, peakOnline: peak };
}
