/**
 * A user's online interval as its bindings item carries it (issue 14: a
 * REGISTER refresh is one write). A user is online while it has at least one
 * live binding; the bindings item holds the current — or the last — interval
 * [from, until), where `until` is the expiry of its last binding (or the
 * unregistration). A refresh moves `until` in the same write as the
 * bindings; only when the user comes back online after a gap is the finished
 * interval archived as an item of its own (online-repository.ts). Pure.
 */
export interface OnlineSpan {
  /** ISO-8601. */
  from: string;
  until: string;
}

export interface NextOnlineSpan {
  /** What the bindings item carries after the write (undefined: the user was never online). */
  span?: OnlineSpan;
  /** A finished interval to keep as its own item before the item's span is replaced. */
  archive?: OnlineSpan;
  /** A new interval starts now (the tenant joins the hourly rollup's list). */
  started: boolean;
}

export function nextOnlineSpan(previous: OnlineSpan | undefined, bindings: readonly { expiresAt: number }[], now: number): NextOnlineSpan {
  const until = new Date(bindings.length > 0 ? Math.max(...bindings.map((b) => b.expiresAt)) : now).toISOString();
  // Still online: the interval goes on (refresh) or ends now (the last binding removed).
  if (previous && Date.parse(previous.until) > now) return { span: { from: previous.from, until }, started: false };
  if (bindings.length === 0) return { ...(previous ? { span: previous } : {}), started: false };
  const span = { from: new Date(now).toISOString(), until };
  return { span, ...(previous ? { archive: previous } : {}), started: true };
}
