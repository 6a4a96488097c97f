import { randomUUID } from 'node:crypto';
import type { EdgeIdentity } from '../../../contracts/function-events.js';

/** A fresh bootId on every start: flows of an earlier boot cannot be alive. */
export function newEdgeIdentity(id: string): EdgeIdentity {
  return { id, bootId: randomUUID() };
}
