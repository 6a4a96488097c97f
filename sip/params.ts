/**
 * Generic header parameters: `;name=value;flag;name="quoted value"`
 * (RFC 3261 §25.1 generic-param = token [ EQUAL gen-value ],
 * gen-value = token / host / quoted-string). Parameter names are
 * case-insensitive (RFC 3261 §7.3.1), so they are lowercased; values keep
 * their case.
 */
import { isToken, setOwn, splitTopLevel } from './grammar.js';

export type Params = Record<string, string | null>;

/** Removes surrounding double quotes and resolves `\x` quoted-pairs; unquoted input is only trimmed. */
export function unquote(s: string): string {
  const t = s.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) {
    return t.slice(1, -1).replace(/\\([\s\S])/g, '$1');
  }
  return t;
}

/** Wraps in double quotes, escaping `"` and `\` as quoted-pairs (RFC 3261 §25.1). */
export function quote(s: string): string {
  return '"' + s.replace(/["\\]/g, '\\$&') + '"';
}

/** True for a well-formed quoted-string (every inner `"` escaped). */
export function isQuotedString(s: string): boolean {
  return /^"(?:[^"\\]|\\[\s\S])*"$/.test(s);
}

/**
 * Strict variant of {@link parseParams}: undefined when a name is not a token,
 * a value is neither a token/host nor a well-formed quoted-string, or a quote
 * is left open. The header parsers use this to reject malformed headers.
 */
export function tryParseParams(text: string): Params | undefined {
  let t = text.trim();
  if (t.startsWith(';')) t = t.slice(1);
  const split = splitTopLevel(t, ';');
  if (!split.balanced) return undefined;
  const out: Params = {};
  for (const seg of split.segments) {
    const eq = seg.indexOf('=');
    const name = (eq < 0 ? seg : seg.slice(0, eq)).trim().toLowerCase();
    if (!isToken(name)) return undefined;
    let value: string | null = null;
    if (eq >= 0) {
      const raw = seg.slice(eq + 1).trim();
      if (raw.startsWith('"')) {
        if (!isQuotedString(raw)) return undefined;
        value = unquote(raw);
      } else {
        // token / host (host adds ':' '[' ']' for IPv6 received= values, RFC 3261 §18.2.1)
        if (!/^[A-Za-z0-9\-.!%*_+`'~:[\]/&$@?]*$/.test(raw)) return undefined;
        value = raw;
      }
    }
    if (!Object.prototype.hasOwnProperty.call(out, name)) setOwn(out, name, value);
  }
  return out;
}

/**
 * Lenient parameter parser: never fails; segments are split on top-level `;`,
 * names lowercased, quoted values unquoted. The first occurrence of a name wins.
 */
export function parseParams(text: string): Params {
  const strict = tryParseParams(text);
  if (strict) return strict;
  let t = text.trim();
  if (t.startsWith(';')) t = t.slice(1);
  const out: Params = {};
  for (const seg of splitTopLevel(t, ';').segments) {
    const eq = seg.indexOf('=');
    const name = (eq < 0 ? seg : seg.slice(0, eq)).trim().toLowerCase();
    if (name === '') continue;
    const value = eq < 0 ? null : unquote(seg.slice(eq + 1));
    if (!Object.prototype.hasOwnProperty.call(out, name)) setOwn(out, name, value);
  }
  return out;
}

/** Value forms that may be sent bare: token, or an IPv4/IPv6 address (gen-value = token / host). */
function isBareValue(v: string): boolean {
  return isToken(v) || /^\[?[0-9A-Fa-f:.]+\]?$/.test(v);
}

/** `{a:'b', c:null}` -> `;a=b;c`; values that are not a token/host are quoted. */
export function formatParams(params: Params): string {
  let out = '';
  for (const [name, value] of Object.entries(params)) {
    if (value === null || value === undefined) out += ';' + name;
    else out += ';' + name + '=' + (value !== '' && isBareValue(value) ? value : quote(value));
  }
  return out;
}
