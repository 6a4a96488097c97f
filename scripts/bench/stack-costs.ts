/**
 * What a flow costs in serverless terms (issue 14 "Serverless cost,
 * counted"), read from the local stack's own /metrics: function invokes by
 * function (nimbus_function_duration_seconds_count) and store requests by
 * operation (nimbus_store_request_duration_seconds_count), counted before and
 * after a rung and divided by the flows completed in between.
 *
 * /metrics counts the functions the edge calls (in-process here, Lambda
 * Invoke in the cloud). The consumers of bus events (the cdr function on
 * call.* events) run from EventBridge rules in the cloud — cdr in batches
 * through its SQS queue — and the edge does not count them: the local
 * stack's background counts them (LocalStack.consumerInvokes), a batch as
 * one invoke, as Lambda bills it.
 */
import { parseExposition, sampleSum, type Sample } from '../../test/support/prometheus-text.js';

export interface CostCounters {
  invokes: Record<string, number>;
  storeRequests: Record<string, number>;
  /** nimbus_invite_added_latency_seconds: cumulative count per bucket bound (seconds; Infinity last). */
  addedLatency: [number, number][];
  /** The same buckets of nimbus_function_duration_seconds by function and of nimbus_store_request_duration_seconds by operation. */
  durations: { functions: Record<string, [number, number][]>; store: Record<string, [number, number][]> };
  /** nimbus_active_calls summed over its directions: calls the edge still proxies. */
  activeCalls: number;
}

/** A histogram's cumulative buckets (`le` bound in seconds, count), in order. */
function bucketsOf(samples: Sample[], name: string): [number, number][] {
  const byBound = new Map<number, number>();
  for (const s of samples) {
    if (s.name !== `${name}_bucket`) continue;
    const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
    // Series of one label value that differ in another (outcome ok / error) add up.
    byBound.set(le, (byBound.get(le) ?? 0) + s.value);
  }
  return [...byBound].sort((a, b) => a[0] - b[0]);
}

/** bucketsOf for each value of `label`. */
function bucketsBy(samples: Sample[], name: string, label: string): Record<string, [number, number][]> {
  const values = new Set(samples.filter((s) => s.name === `${name}_bucket` && s.labels[label] !== undefined).map((s) => s.labels[label]));
  return Object.fromEntries([...values].map((v) => [v, bucketsOf(samples.filter((s) => s.labels[label] === v), name)]));
}

/** p50 / p90 / p99 (bucket bounds, ms) of each label value observed between two scrapes. */
export function percentilesBy(before: Record<string, [number, number][]>, after: Record<string, [number, number][]>): Record<string, ReturnType<typeof bucketPercentiles>> {
  const out: Record<string, ReturnType<typeof bucketPercentiles>> = {};
  for (const [k, buckets] of Object.entries(after)) {
    const p = bucketPercentiles(before[k] ?? [], buckets, [50, 90, 99]);
    if (p.samples > 0) out[k] = p;
  }
  return out;
}

/**
 * Percentiles of what a histogram counted between two scrapes, as bucket
 * bounds in ms: "p99: 5" means 99 % of the observations were at most 5 ms
 * (the exact value lies in that bucket). null where nothing was observed.
 */
export function bucketPercentiles(before: [number, number][], after: [number, number][], ps: number[]): Record<string, number | null> & { samples: number } {
  const counts = after.map(([le, n]): [number, number] => [le, n - (before.find(([b]) => b === le)?.[1] ?? 0)]);
  const totalCount = counts.at(-1)?.[1] ?? 0;
  const out: Record<string, number | null> & { samples: number } = { samples: totalCount };
  for (const p of ps) {
    const bound = totalCount === 0 ? undefined : counts.find(([, n]) => n >= (p / 100) * totalCount)?.[0];
    out[`p${p}`] = bound === undefined ? null : Number.isFinite(bound) ? Number((bound * 1000).toFixed(2)) : Infinity;
  }
  return out;
}

/** Count of a histogram's observations by one label. */
function countsBy(samples: Sample[], name: string, label: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of samples) if (s.name === `${name}_count`) out[s.labels[label]] = (out[s.labels[label]] ?? 0) + s.value;
  return out;
}

/**
 * Reads the cost counters of the stack listening on `httpPort`
 * (PBX_METRICS_TOKEN = `token`), with the bus consumers' invokes when the
 * stack's counts are given (LocalStack.consumerInvokes).
 */
export function costScraper(httpPort: number, token: string, consumerInvokes: Readonly<Record<string, number>> = {}): () => Promise<CostCounters> {
  return async () => {
    const busInvokes = { ...consumerInvokes };
    const response = await fetch(`http://127.0.0.1:${httpPort}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    const samples = parseExposition(await response.text());
    const invokes = countsBy(samples, 'nimbus_function_duration_seconds', 'function');
    for (const [name, n] of Object.entries(busInvokes)) invokes[name] = (invokes[name] ?? 0) + n;
    return {
      invokes,
      storeRequests: countsBy(samples, 'nimbus_store_request_duration_seconds', 'operation'),
      addedLatency: bucketsOf(samples, 'nimbus_invite_added_latency_seconds'),
      durations: {
        functions: bucketsBy(samples, 'nimbus_function_duration_seconds', 'function'),
        store: bucketsBy(samples, 'nimbus_store_request_duration_seconds', 'operation'),
      },
      activeCalls: sampleSum(samples, 'nimbus_active_calls'),
    };
  };
}

/** The increase of each counter from `before` to `after`, per one of `n` flows (two decimals). */
export function perFlow(before: Record<string, number>, after: Record<string, number>, n: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) {
    const d = v - (before[k] ?? 0);
    if (d > 0) out[k] = Number((d / Math.max(n, 1)).toFixed(2));
  }
  return out;
}

export const total = (counts: Record<string, number>): number => Number(Object.values(counts).reduce((a, b) => a + b, 0).toFixed(2));

/**
 * Resolves once the stack has gone `quietMs` without an invoke or a store
 * request and proxies no call (at most `maxMs`): after an overloaded rung,
 * the queued store requests and the release retries drain, and the calls
 * SIPp gave up on end, before the next rung is measured. Those calls matter:
 * a 200 whose caller aborted is retransmitted by the device until its ACK
 * wait (64·T1, RFC 3261 §13.3.1.4) runs out, and the edge relays every
 * retransmission (§16.7), so a rung started earlier carries the last one's load.
 */
export async function untilQuiet(scrape: () => Promise<CostCounters>, quietMs = 1_000, maxMs = 60_000): Promise<void> {
  const activity = async () => {
    const c = await scrape();
    return { requests: total(c.invokes) + total(c.storeRequests), calls: c.activeCalls };
  };
  const deadline = Date.now() + maxMs;
  let last = await activity();
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, quietMs));
    const now = await activity();
    if (now.requests === last.requests && now.calls === 0) return;
    last = now;
  }
}

/**
 * The stack's thread layout, as the caller's environment chooses it
 * (PBX_FUNCTIONS_THREAD, PBX_STORE_THREAD): an A/B of the same commit
 * without a code change, e.g. `PBX_FUNCTIONS_THREAD=false npx tsx scripts/bench-register.ts`.
 * `stackEnv` is what the stack is started with; `printed` names both, defaults included.
 */
export function threadLayout(env: NodeJS.ProcessEnv = process.env) {
  const stackEnv: Record<string, string> = {};
  for (const name of ['PBX_FUNCTIONS_THREAD', 'PBX_STORE_THREAD']) if (env[name]) stackEnv[name] = env[name]!;
  return { stackEnv, printed: { functions: env.PBX_FUNCTIONS_THREAD || 'true', store: env.PBX_STORE_THREAD || 'true' } };
}
