/**
 * Basic rules of the SIP grammar (RFC 3261 §25.1) shared by the header
 * parsers: token characters and splitting on separators that are not inside
 * a quoted-string or an angle-bracketed URI.
 */

/** token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~") (RFC 3261 §25.1). */
export const TOKEN_RE = /^[A-Za-z0-9\-.!%*_+`'~]+$/;

export function isToken(s: string): boolean {
  return TOKEN_RE.test(s);
}

export interface SplitResult {
  /** Trimmed segments; empty segments are dropped. */
  segments: string[];
  /** False when a quoted-string or `<...>` was left open (the text is malformed). */
  balanced: boolean;
}

/**
 * Splits `text` on `sep` where it is at top level: not inside a quoted-string
 * (which honours `\"` quoted-pairs, RFC 3261 §25.1) and not inside `<...>`
 * (a name-addr URI may legally contain `,` and `;`, RFC 3261 §20).
 */
export function splitTopLevel(text: string, sep: string): SplitResult {
  const segments: string[] = [];
  const balanced = scanTopLevel(text, sep, (seg) => {
    segments.push(seg);
    return true;
  });
  return { segments, balanced };
}

/** The first segment splitTopLevel would give (undefined when there is none), without splitting the rest. */
export function firstTopLevel(text: string, sep: string): string | undefined {
  let first: string | undefined;
  scanTopLevel(text, sep, (seg) => {
    first = seg;
    return false;
  });
  return first;
}

/**
 * The scan behind both: hands each trimmed, non-empty top-level segment to
 * `segment`, which returns false to stop there. Returns whether the text
 * scanned was balanced (no quoted-string or `<...>` left open).
 */
function scanTopLevel(text: string, sep: string, segment: (seg: string) => boolean): boolean {
  let inQuotes = false;
  let inAngle = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inQuotes) {
      if (ch === '\\') i++; // quoted-pair: skip the escaped character
      else if (ch === '"') inQuotes = false;
      continue;
    }
    if (inAngle) {
      if (ch === '>') inAngle = false;
      continue;
    }
    if (ch === '"') inQuotes = true;
    else if (ch === '<') inAngle = true;
    else if (ch === sep) {
      const seg = text.slice(start, i).trim();
      if (seg !== '' && !segment(seg)) return !inQuotes && !inAngle;
      start = i + 1;
    }
  }
  const last = text.slice(start).trim();
  if (last !== '') segment(last);
  return !inQuotes && !inAngle;
}

/**
 * Assigns an own enumerable property even for names such as `__proto__`, so
 * that parameters received from the network can never reach an object's
 * prototype. `__proto__` is Object.prototype's only accessor: every other
 * name (`constructor`, `toString` …) is a writable data property there, so
 * plain assignment creates an own property. defineProperty is kept for that
 * one name because it turns an object into a slow dictionary, and every
 * parameter of every message passes here.
 */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/** Own-property lookup that ignores inherited names such as `constructor`. */
export function getOwn<T>(obj: Record<string, T>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}
