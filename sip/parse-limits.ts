/**
 * Resource limits applied to untrusted input by the parser and the stream
 * framer. Defaults: a UDP datagram's maximum payload (RFC 3261 §18.1.1 leaves
 * the size to the transport; 65535 bounds any single message we accept).
 */
export interface ParseLimits {
  /** Upper bound for a whole message (start line + headers + body), in bytes. */
  maxMessageBytes: number;
  /** Upper bound for header lines (continuation lines excluded). */
  maxHeaders: number;
  /** Upper bound for a single physical line, in bytes. */
  maxLineLength: number;
}

export const DEFAULT_PARSE_LIMITS: Readonly<ParseLimits> = Object.freeze({
  maxMessageBytes: 65535,
  maxHeaders: 200,
  maxLineLength: 8192,
});

function positive(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback;
}

/** Fills in defaults and ignores nonsensical overrides (NaN, negative, non-numbers). */
export function resolveLimits(limits?: Partial<ParseLimits>): ParseLimits {
  return {
    maxMessageBytes: positive(limits?.maxMessageBytes, DEFAULT_PARSE_LIMITS.maxMessageBytes),
    maxHeaders: positive(limits?.maxHeaders, DEFAULT_PARSE_LIMITS.maxHeaders),
    maxLineLength: positive(limits?.maxLineLength, DEFAULT_PARSE_LIMITS.maxLineLength),
  };
}
