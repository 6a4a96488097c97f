/**
 * A request's JSON body and query string, checked against the route's zod
 * schemas. Every problem becomes a 400 that names the field, e.g.
 * "maxDevices: Too big: expected number to be <=100" or
 * "displayname: unknown field".
 */
import type { z } from 'zod';
import { requestBody, type AdminHttpEvent } from '../../../contracts/http-event.js';
import { badRequest } from './api-error.js';

function pathOf(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out === '' ? String(part) : `.${String(part)}`;
  return out;
}

/** "name: message; …", unknown fields named one by one. */
export function describeZodIssues(error: z.ZodError, root = '(body)'): string {
  return error.issues
    .flatMap((issue) => {
      const at = pathOf(issue.path);
      if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => `${at === '' ? key : `${at}.${key}`}: unknown field`);
      return [`${at || root}: ${issue.message}`];
    })
    .join('; ');
}

export function parseWith<T>(schema: z.ZodType<T, unknown>, input: unknown, root: string): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw badRequest(describeZodIssues(parsed.error, root));
  return parsed.data;
}

export function parseBody<T>(schema: z.ZodType<T, unknown>, event: AdminHttpEvent): T {
  const text = requestBody(event);
  let json: unknown;
  try {
    json = text.trim() === '' ? undefined : JSON.parse(text);
  } catch {
    throw badRequest('(body): must be JSON');
  }
  if (json === undefined) throw badRequest('(body): a JSON body is required');
  return parseWith(schema, json, '(body)');
}

export function parseQuery<T>(schema: z.ZodType<T, unknown>, event: AdminHttpEvent): T {
  return parseWith(schema, event.queryStringParameters ?? {}, '(query)');
}
