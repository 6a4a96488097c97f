/**
 * A header parser's answers by input text. One message's Via, From, To or
 * Route value is parsed again at every step that reads it (validation,
 * `received`, the transaction key, the proxy's checks, the relay), and each
 * parse allocates; at call rates these short-lived copies are what the
 * young-generation collector spends its pauses on (docs/benchmarks.md). The
 * same text now gives the same parsed object.
 *
 * The answers are frozen, so a caller cannot change what another reads: code
 * that needs a changed value copies it first. Bounded, because the texts come
 * from the network (sip/bounded-memo.ts): at most 512 texts, and a long
 * text is not kept at all.
 */
import { boundedMemo } from './bounded-memo.js';

export type Frozen<T> = T extends object ? { readonly [K in keyof T]: Frozen<T[K]> } : T;

const DEFAULT_ENTRIES = 512;
/** Longer texts are parsed each time, not kept: the cache holds at most entries × this many characters. */
const MAX_KEPT_LENGTH = 1024;

function deepFreeze<T>(value: T): Frozen<T> {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value as Frozen<T>;
}

export function cachedParser<T extends object>(parse: (text: string) => T | undefined, entries = DEFAULT_ENTRIES): (text: string) => Frozen<T> | undefined {
  const answer = boundedMemo((text) => {
    const parsed = parse(text);
    return parsed === undefined ? undefined : deepFreeze(parsed);
  }, { entries, maxKeyLength: MAX_KEPT_LENGTH });
  // Anything but a string is the parser's to refuse (it checks); it is not a key worth keeping.
  return (text: string) => (typeof text === 'string' ? answer(text) : (parse(text) as Frozen<T> | undefined));
}
