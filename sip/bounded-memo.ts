/**
 * Answers computed once per key and kept in a bounded map: the SIP library's
 * per-text caches (parsed header values, sip/parse-cache.ts; header-name
 * spellings, sip/header-names.ts). The keys come from the network, so the
 * map is bounded twice: at most `entries` keys — when full it starts again
 * empty, which only costs the next few computations — and a key longer than
 * `maxKeyLength` is computed each time and not kept. An `undefined` answer
 * is kept like any other.
 */
export function boundedMemo<V>(make: (key: string) => V, limits: { entries: number; maxKeyLength: number }): (key: string) => V {
  const answers = new Map<string, V>();
  return (key: string) => {
    if (key.length > limits.maxKeyLength) return make(key);
    const known = answers.get(key);
    // One lookup on the hot path; `has` only tells a kept `undefined` from an absent key.
    if (known !== undefined || answers.has(key)) return known as V;
    const answer = make(key);
    if (answers.size >= limits.entries) answers.clear();
    answers.set(key, answer);
    return answer;
  };
}
