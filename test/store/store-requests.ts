/**
 * The DynamoDB requests a client sends, as its `send` is handed them (the
 * document client resolves its handlers once, contracts/store/
 * cached-document-client.ts, so a middleware added later would not see
 * them): what issue 14 counts per call. Each entry names the operation and
 * the item's sort key, so a test can count the requests to one kind of item.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { wireOperationOf } from '../../contracts/store/cached-document-client.js';

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
  const send = doc.send.bind(doc) as (command: object, ...rest: unknown[]) => Promise<unknown>;
  doc.send = ((command: { input?: { Key?: Record<string, unknown>; Item?: Record<string, unknown> } }, ...rest: unknown[]) => {
    const sk = (command.input?.Key ?? command.input?.Item)?.sk;
    const operation = wireOperationOf(command) ?? command.constructor.name.replace(/Command$/, '');
    requests.push({ operation, ...(typeof sk === 'string' ? { sk } : {}) });
    return send(command, ...rest);
  }) as typeof doc.send;
  return {
    requests,
    to: (skPrefix) => requests.filter((r) => r.sk?.startsWith(skPrefix)).map((r) => r.operation),
    clear: () => void requests.splice(0),
  };
}
