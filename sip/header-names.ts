/**
 * Header field names: compact forms and canonical spelling (RFC 3261 §7.3.3,
 * §20; later compact forms from the IANA SIP parameters registry).
 *
 * Names are case-insensitive (RFC 3261 §7.3.1), so every lookup goes through a
 * lower-cased key. Unknown names are returned exactly as received so that a
 * proxy forwards extension headers untouched.
 */
import { boundedMemo } from './bounded-memo.js';

/** Compact form -> canonical long form (RFC 3261 §7.3.3 and the IANA registry). */
export const COMPACT_FORMS: Readonly<Record<string, string>> = {
  i: 'Call-ID',
  m: 'Contact',
  e: 'Content-Encoding',
  l: 'Content-Length',
  c: 'Content-Type',
  f: 'From',
  s: 'Subject',
  k: 'Supported',
  t: 'To',
  v: 'Via',
  o: 'Event', // RFC 6665
  r: 'Refer-To', // RFC 3515
  b: 'Referred-By', // RFC 3892
  u: 'Allow-Events', // RFC 6665
  x: 'Session-Expires', // RFC 4028
  a: 'Accept-Contact', // RFC 3841
  j: 'Reject-Contact', // RFC 3841
  d: 'Request-Disposition', // RFC 3841
  y: 'Identity', // RFC 8224
  n: 'Identity-Info', // RFC 4474 (obsolete, still seen)
};

/** Canonical spelling of well-known long names, keyed by lower case. */
const KNOWN_NAMES: readonly string[] = [
  'Accept', 'Accept-Contact', 'Accept-Encoding', 'Accept-Language', 'Alert-Info', 'Allow', 'Allow-Events',
  'Authentication-Info', 'Authorization', 'Call-ID', 'Call-Info', 'Contact', 'Content-Disposition',
  'Content-Encoding', 'Content-Language', 'Content-Length', 'Content-Type', 'CSeq', 'Date', 'Error-Info',
  'Event', 'Expires', 'From', 'Identity', 'Identity-Info', 'In-Reply-To', 'Max-Forwards', 'MIME-Version',
  'Min-Expires', 'Min-SE', 'Organization', 'Path', 'P-Asserted-Identity', 'P-Preferred-Identity', 'Priority',
  'Privacy', 'Proxy-Authenticate', 'Proxy-Authorization', 'Proxy-Require', 'RAck', 'Reason', 'Record-Route',
  'Refer-To', 'Referred-By', 'Reject-Contact', 'Replaces', 'Reply-To', 'Request-Disposition', 'Require',
  'Retry-After', 'Route', 'RSeq', 'Server', 'Service-Route', 'Session-Expires', 'SIP-ETag', 'SIP-If-Match',
  'Subject', 'Subscription-State', 'Supported', 'Timestamp', 'To', 'Unsupported', 'User-Agent', 'Via',
  'Warning', 'WWW-Authenticate',
];

const CANONICAL: ReadonlyMap<string, string> = new Map(KNOWN_NAMES.map((n) => [n.toLowerCase(), n]));

/**
 * Headers whose value is a comma-separated list (RFC 3261 §7.3.1: "multiple
 * header field rows ... if and only if the entire field-value ... is defined
 * as a comma-separated list"). Deliberately excludes WWW-Authenticate,
 * Authorization and friends (commas separate auth-params, not values) and
 * Date (its value contains a comma).
 */
const LIST_HEADERS: ReadonlySet<string> = new Set(
  [
    'Via', 'Contact', 'Route', 'Record-Route', 'Path', 'Service-Route', 'Allow', 'Supported', 'Require',
    'Proxy-Require', 'Unsupported', 'Accept', 'Accept-Encoding', 'Accept-Language', 'Allow-Events',
    'Content-Encoding', 'Content-Language', 'Alert-Info', 'Call-Info', 'Error-Info', 'In-Reply-To', 'Warning',
    'Reply-To', 'Accept-Contact', 'Reject-Contact', 'Request-Disposition', 'P-Asserted-Identity',
    'P-Preferred-Identity', 'Privacy', 'Reason', 'Security-Client', 'Security-Server', 'Security-Verify',
  ].map((n) => n.toLowerCase()),
);

/** What the header lookups need of one spelling of a header name. */
interface Spelling {
  /** `v` -> `Via`, `call-id` -> `Call-ID`; unknown names as received (trimmed). */
  canonical: string;
  /** The canonical name lower-cased: two spellings name the same header when their keys are equal. */
  key: string;
  list: boolean;
}

/**
 * Spellings already seen (`Via`, `via`, `v`, `X-Foo` …): every header lookup
 * of every message passes here, mostly with the same few spellings, so the
 * answer (and its lower-cased key) is computed once, not on every header of
 * every lookup. Bounded, because the spellings come from the network too
 * (sip/bounded-memo.ts): a flood of made-up names cannot keep the usual ones
 * out, and a name longer than any real header's is not kept.
 */
const spelling = boundedMemo(
  (name: string): Spelling => {
    const lower = name.trim().toLowerCase();
    const canonical = (lower.length === 1 ? COMPACT_FORMS[lower] : undefined) ?? CANONICAL.get(lower) ?? name.trim();
    const key = canonical.toLowerCase();
    return { canonical, key, list: LIST_HEADERS.has(key) };
  },
  { entries: 1024, maxKeyLength: 64 },
);

/** `v` -> `Via`, `call-id` -> `Call-ID`; unknown names come back as received. */
export function canonicalHeaderName(name: string): string {
  return spelling(name).canonical;
}

/** The case-insensitive, compact-aware identity of a header name (`v`, `VIA` and `Via` give `via`). */
export function headerKey(name: string): string {
  return spelling(name).key;
}

/** True when `a` and `b` name the same header (case-insensitive, compact-aware). */
export function headerNamesEqual(a: string, b: string): boolean {
  return spelling(a).key === spelling(b).key;
}

/** True for headers whose field value is a comma-separated list. */
export function isListHeader(name: string): boolean {
  return spelling(name).list;
}
