/** Route results: a JSON reply, or 204, with the changes made. */
import { jsonResult } from '../../../contracts/http-event.js';
import type { Change, RouteResult } from './route.js';

export const reply = (statusCode: number, value: unknown, changes?: Change[]): RouteResult => ({
  response: jsonResult(statusCode, value),
  ...(changes ? { changes } : {}),
});

export const noContent = (changes?: Change[]): RouteResult => ({
  response: { statusCode: 204, headers: { 'cache-control': 'no-store' }, body: '' },
  ...(changes ? { changes } : {}),
});
