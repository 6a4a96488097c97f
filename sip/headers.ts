/**
 * Access to a message's ordered header list. Names are matched
 * case-insensitively and compact forms are understood (RFC 3261 §7.3.1,
 * §7.3.3), so getHeader(msg, 'v') finds `Via`. Header lines are otherwise
 * left untouched, keeping unknown headers and their order intact for proxying.
 */
import { firstTopLevel, splitTopLevel } from './grammar.js';
import { canonicalHeaderName, headerKey, isListHeader } from './header-names.js';
import type { SipHeader, SipMessage } from './message.js';

type HasHeaders = Pick<SipMessage, 'headers'>;

const keyOf = headerKey;

/** Splits one header line into its values: top-level commas for list headers, else the whole value. */
export function splitHeaderValue(name: string, value: string): string[] {
  if (!isListHeader(name)) return [value.trim()];
  return splitTopLevel(value, ',').segments;
}

/**
 * Every value of `name` in order. List headers (Via, Contact, Route, ...) are
 * split on top-level commas, so `Via: a, b` + `Via: c` gives [a, b, c]
 * (RFC 3261 §7.3.1: both spellings are equivalent).
 */
export function getHeaders(msg: HasHeaders, name: string): string[] {
  const key = keyOf(name);
  const out: string[] = [];
  for (const h of msg.headers) {
    if (keyOf(h.name) !== key) continue;
    // Pushed one by one, not spread: this runs on every lookup of every message.
    for (const value of splitHeaderValue(h.name, h.value)) out.push(value);
  }
  return out;
}

/**
 * First value of `name`: for list headers the topmost element (e.g. the top
 * Via even when a line carries several), otherwise the first line's value.
 */
export function getHeader(msg: HasHeaders, name: string): string | undefined {
  const key = keyOf(name);
  for (const h of msg.headers) {
    if (keyOf(h.name) !== key) continue;
    // Only the first value is read: the rest of a list line is not split (every lookup of every message passes here).
    if (!isListHeader(h.name)) return h.value.trim();
    const first = firstTopLevel(h.value, ',');
    if (first !== undefined) return first;
  }
  return undefined;
}

export function hasHeader(msg: HasHeaders, name: string): boolean {
  const key = keyOf(name);
  return msg.headers.some((h) => keyOf(h.name) === key);
}

/** Replaces every line of `name` by one line at the position of the first, or appends. */
export function setHeader(msg: HasHeaders, name: string, value: string): void {
  const key = keyOf(name);
  const first = msg.headers.findIndex((h) => keyOf(h.name) === key);
  const header: SipHeader = { name: canonicalHeaderName(name), value };
  if (first < 0) {
    msg.headers.push(header);
    return;
  }
  const kept = msg.headers.filter((h, i) => i < first || keyOf(h.name) !== key);
  kept.splice(first, 0, header);
  msg.headers.splice(0, msg.headers.length, ...kept);
}

/**
 * Adds a header line. With `prepend` it goes before the first line of that
 * name (or at the very top when there is none) — what a proxy does with its
 * Via (RFC 3261 §16.6 step 8) or Record-Route (step 4); otherwise it is appended.
 */
export function addHeader(msg: HasHeaders, name: string, value: string, opts?: { prepend?: boolean }): void {
  const header: SipHeader = { name: canonicalHeaderName(name), value };
  if (!opts?.prepend) {
    msg.headers.push(header);
    return;
  }
  const key = keyOf(name);
  const first = msg.headers.findIndex((h) => keyOf(h.name) === key);
  msg.headers.splice(first < 0 ? 0 : first, 0, header);
}

export function removeHeader(msg: HasHeaders, name: string): void {
  const key = keyOf(name);
  const kept = msg.headers.filter((h) => keyOf(h.name) !== key);
  msg.headers.splice(0, msg.headers.length, ...kept);
}

/**
 * Pops the topmost value of a list header (a proxy removing its Via from a
 * response, RFC 3261 §16.7 step 3, or a loose-routing Route, §16.4). The line
 * is dropped when it becomes empty.
 */
export function removeFirstValue(msg: HasHeaders, name: string): string | undefined {
  const key = keyOf(name);
  for (let i = 0; i < msg.headers.length; i++) {
    const h = msg.headers[i];
    if (keyOf(h.name) !== key) continue;
    const values = splitHeaderValue(h.name, h.value);
    if (values.length === 0) {
      msg.headers.splice(i, 1); // an empty line holds no value; drop it and keep looking
      i--;
      continue;
    }
    const [first, ...rest] = values;
    if (rest.length === 0) msg.headers.splice(i, 1);
    else msg.headers[i] = { name: h.name, value: rest.join(', ') };
    return first;
  }
  return undefined;
}
