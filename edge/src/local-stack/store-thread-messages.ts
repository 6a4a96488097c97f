/** What the stack's thread and the store's thread say to each other (store-thread-client.ts, store-thread.ts). */
import type { MessagePort } from 'node:worker_threads';

/** One DynamoDB request as the SDK serialized it (an HttpRequest's parts); `body` is the JSON text. */
export interface StoreThreadRequest {
  type: 'request';
  id: number;
  method: string;
  path: string;
  query: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

/**
 * Another thread of this process becomes a client (the functions' thread,
 * function-thread.ts): the store answers requests posted on `port` there,
 * as it answers the stack's thread.
 */
export interface StoreThreadConnect {
  type: 'connect';
  port: MessagePort;
}

export type ToStoreThread = StoreThreadRequest | StoreThreadConnect | { type: 'close' };

export type FromStoreThread =
  | { type: 'ready'; endpoint: string }
  | { type: 'response'; id: number; statusCode: number; headers: Record<string, string>; body: Uint8Array }
  /** The store's listener threw or the store was closing: the request fails like a refused connection. */
  | { type: 'failed'; id: number; message: string; code?: string }
  | { type: 'closed'; error?: string };
