/**
 * How long each DynamoDB request takes, as the AWS SDK v3 sees it: a
 * middleware at the `initialize` step, so the time covers serialization,
 * signing, retries and the round trip — what a function waits for. The
 * observer is handed in (the edge's metrics, edge/src/ops/); it must not
 * throw, and without one no middleware is added.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** `operation` is the command name without "Command" (GetItem, Query, UpdateItem …). */
export type StoreObserver = (operation: string, seconds: number, ok: boolean) => void;

export function timeStoreRequests(client: DynamoDBClient, observe: StoreObserver): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const started = performance.now();
      let ok = false;
      try {
        const out = await next(args);
        ok = true;
        return out;
      } finally {
        const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
        try {
          observe(operation, (performance.now() - started) / 1000, ok);
        } catch {
          // a metrics failure never fails a store request
        }
      }
    },
    { step: 'initialize', name: 'nimbusStoreTiming', priority: 'high' },
  );
}
