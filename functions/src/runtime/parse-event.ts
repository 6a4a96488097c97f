/**
 * middy `before` middleware: validates the event against a zod schema and
 * replaces it with the parsed value, so handlers only see well-formed events.
 * A bad event is a bug in the caller (the edge), so it throws: the invoker
 * gets a function error naming the offending field.
 */
import type { MiddlewareObj } from '@middy/core';
import type { z } from 'zod';

export class InvalidEventError extends Error {
  override name = 'InvalidEventError';
}

export function parseEvent(schema: z.ZodType): MiddlewareObj<unknown> {
  return {
    name: 'parse-event',
    before: (request) => {
      const result = schema.safeParse(request.event);
      if (!result.success) {
        const problems = result.error.issues.map((i) => `${i.path.map(String).join('.') || '(event)'}: ${i.message}`);
        throw new InvalidEventError(`Invalid event: ${problems.join('; ')}`);
      }
      request.event = result.data;
    },
  };
}
