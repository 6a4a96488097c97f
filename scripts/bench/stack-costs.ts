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
import { parseExposition, type Sample } from '../../test/support/prometheus-text.js';

export interface CostCounters {
  invokes: Record<string, number>;
  storeRequests: Record<string, number>;
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
    return { invokes, storeRequests: countsBy(samples, 'nimbus_store_request_duration_seconds', 'operation') };
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
