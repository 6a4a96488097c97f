/**
 * The DynamoDB requests a client sends, as the SDK sees them (a middleware
 * at the `initialize` step, like contracts/store/store-timing.ts): what
 * issue 14 counts per call. Each entry names the operation and the item's
 * sort key, so a test can count the requests to one kind of item.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface StoreRequest {
  /** GetItem, UpdateItem, PutItem, Query … */
  operation: string;
  /** The item's sort key (absent for a Query). */
  sk?: string;
}

export interface StoreRequestLog {
  readonly requests: StoreRequest[];
  /** Requests whose item sort key starts with `skPrefix`, as "Operation" strings in order. */
  to(skPrefix: string): string[];
  clear(): void;
}

export function logStoreRequests(doc: DynamoDBDocumentClient): StoreRequestLog {
  const requests: StoreRequest[] = [];
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      // The document client's commands reach this stack marshalled: { sk: { S } }.
      const input = args.input as { Key?: Record<string, unknown>; Item?: Record<string, unknown> };
      const sk = (input.Key ?? input.Item)?.sk;
      const text = typeof sk === 'string' ? sk : (sk as { S?: string } | undefined)?.S;
      requests.push({ operation: (context.commandName ?? 'Unknown').replace(/Command$/, ''), ...(text !== undefined ? { sk: text } : {}) });
      return next(args);
    },
    { step: 'initialize', name: 'testStoreRequestLog', priority: 'high' },
  );
  return {
    requests,
    to: (skPrefix) => requests.filter((r) => r.sk?.startsWith(skPrefix)).map((r) => r.operation),
    clear: () => void requests.splice(0),
  };
}
