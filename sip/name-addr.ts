/**
 * From / To / Contact / Route / Record-Route / Refer-To values
 * (RFC 3261 §20.10, §25.1):
 *   ( name-addr / addr-spec ) *( SEMI param )
 *   name-addr = [ display-name ] LAQUOT addr-spec RAQUOT
 * In the addr-spec form the URI cannot carry `;` parameters: everything
 * after the first `;` is a header parameter (RFC 3261 §20.10).
 */
import { quote, tryParseParams, unquote } from './params.js';
import { cachedParser } from './parse-cache.js';

export interface NameAddr {
  /** Display name, unquoted and unescaped; undefined when absent. */
  displayName?: string;
  /** The URI text between `<` and `>` (or the bare addr-spec), as received. */
  uri: string;
  /** Header parameters (e.g. tag, expires, q); names lowercased. */
  params: Record<string, string | null>;
}

// An absoluteURI-ish shape: scheme ":" and no whitespace / delimiters.
const URI_SHAPE_RE = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"]+$/;

function parseNameAddrText(value: string): NameAddr | undefined {
  if (typeof value !== 'string') return undefined;
  const t = value.trim();
  let displayName: string | undefined;
  let uri: string;
  let rest: string;

  if (t.startsWith('"')) {
    // display-name = quoted-string
    const m = /^"(?:[^"\\]|\\[\s\S])*"/.exec(t);
    if (!m) return undefined;
    displayName = unquote(m[0]);
    const after = t.slice(m[0].length).trimStart();
    if (!after.startsWith('<')) return undefined;
    const close = after.indexOf('>');
    if (close < 0) return undefined;
    uri = after.slice(1, close).trim();
    rest = after.slice(close + 1);
  } else {
    const lt = t.indexOf('<');
    const semi = t.indexOf(';');
    if (lt >= 0 && (semi < 0 || lt < semi)) {
      // display-name = *(token LWS); any `"` here means a broken quoted-string
      const name = t.slice(0, lt).trim();
      if (name.includes('"') || name.includes('>')) return undefined;
      if (name !== '') displayName = name.replace(/\s+/g, ' ');
      const close = t.indexOf('>', lt);
      if (close < 0) return undefined;
      uri = t.slice(lt + 1, close).trim();
      rest = t.slice(close + 1);
    } else {
      // addr-spec: URI ends at the first `;` (RFC 3261 §20.10)
      uri = (semi < 0 ? t : t.slice(0, semi)).trim();
      rest = semi < 0 ? '' : t.slice(semi);
    }
  }

  if (!URI_SHAPE_RE.test(uri)) return undefined;
  rest = rest.trim();
  if (rest !== '' && !rest.startsWith(';')) return undefined;
  const params = tryParseParams(rest);
  if (!params) return undefined;
  const out: NameAddr = { uri, params };
  if (displayName !== undefined) out.displayName = displayName;
  return out;
}

/** Parses one name-addr / addr-spec with parameters; undefined when malformed. */
export const parseNameAddr = cachedParser(parseNameAddrText);

/** Always writes the name-addr form `"Name" <uri>;params` (safe for any URI, RFC 3261 §20). */
export function formatNameAddr(na: NameAddr): string {
  let out = '';
  if (na.displayName !== undefined && na.displayName !== '') {
    // Always quoted: a token display name may not contain every character a user picks.
    out += quote(na.displayName) + ' ';
  }
  out += `<${na.uri}>`;
  for (const [name, v] of Object.entries(na.params ?? {})) {
    if (v === null || v === undefined) out += `;${name}`;
    else out += `;${name}=${/^[A-Za-z0-9\-.!%*_+`'~:[\]]+$/.test(v) ? v : quote(v)}`;
  }
  return out;
}

export type ContactList = { star: true } | { star: false; contacts: NameAddr[] };

/**
 * Contact values (already split with getHeaders): either the single `*` of a
 * REGISTER that removes all bindings (RFC 3261 §10.2.2) or a list of
 * name-addrs. undefined when malformed, including `*` mixed with addresses.
 */
export function parseContacts(values: string[]): ContactList | undefined {
  const trimmed = values.map((v) => v.trim()).filter((v) => v !== '');
  if (trimmed.includes('*')) return trimmed.length === 1 ? { star: true } : undefined;
  const contacts: NameAddr[] = [];
  for (const v of trimmed) {
    const na = parseNameAddr(v);
    if (!na) return undefined;
    contacts.push(na);
  }
  return { star: false, contacts };
}
