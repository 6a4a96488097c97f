/**
 * One strongly consistent BatchGetItem of a table, answered by item key:
 * the items found and the keys the store left unprocessed (throttling),
 * which the caller reads its own way. Keys that are in neither were not
 * there.
 */
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ItemKey } from './keys.js';

/** BatchGetItem takes at most this many keys per request. */
export const MAX_BATCH_GET_KEYS = 100;

/** An item's key as one string, to look items and unprocessed keys up by. */
export const itemKeyId = (k: ItemKey): string => `${k.pk}\n${k.sk}`;

export interface BatchGetAnswer {
  items: Map<string, Record<string, unknown>>;
  unprocessed: Set<string>;
}

export async function consistentBatchGet(doc: Pick<DynamoDBDocumentClient, 'send'>, tableName: string, keys: readonly ItemKey[]): Promise<BatchGetAnswer> {
  const res = await doc.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: [...keys], ConsistentRead: true } } }));
  return {
    items: new Map((res.Responses?.[tableName] ?? []).map((item) => [itemKeyId(item as ItemKey), item])),
    unprocessed: new Set((res.UnprocessedKeys?.[tableName]?.Keys ?? []).map((k) => itemKeyId(k as ItemKey))),
  };
}
