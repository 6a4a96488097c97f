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
 * from the network: when the cache is full it starts again empty, which
 * costs only the next few parses, and a long text is not kept at all.
 */
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
  const answers = new Map<string, Frozen<T> | undefined>();
  return (text: string) => {
    // Anything but a string is the parser's to refuse (it checks); it is not a key worth keeping.
    if (typeof text !== 'string' || text.length > MAX_KEPT_LENGTH) return parse(text) as Frozen<T> | undefined;
    if (answers.has(text)) return answers.get(text);
    const parsed = parse(text);
    const answer = parsed === undefined ? undefined : deepFreeze(parsed);
    if (answers.size >= entries) answers.clear();
    answers.set(text, answer);
    return answer;
  };
}
