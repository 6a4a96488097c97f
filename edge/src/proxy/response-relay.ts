import { copyMessage, removeFirstValue } from '../../../sip/index.js';
import type { SipResponse } from '../../../sip/message.js';

/** §16.7 step 3: the response loses the Via this edge added before it goes upstream. */
export function withoutTopVia(res: SipResponse): SipResponse {
  const copy: SipResponse = copyMessage(res);
  removeFirstValue(copy, 'Via');
  return copy;
}

/**
 * §16.7 step 6: the best final response when no branch answered — a 6xx if
 * any, else the lowest class. Within the class a device that said it is busy
 * (486) beats the others, and a generic timeout (408) comes last, so a
 * multi-device user with one busy phone shows as busy.
 */
export function bestFinalResponse(responses: SipResponse[]): SipResponse | undefined {
  const finals = responses.filter((r) => r.status >= 300);
  if (finals.length === 0) return undefined;
  const sixes = finals.filter((r) => r.status >= 600);
  const pool = sixes.length > 0 ? sixes : finals.filter((r) => classOf(r) === Math.min(...finals.map(classOf)));
  return pool.find((r) => r.status === 486) ?? pool.find((r) => r.status !== 408) ?? pool[0];
}

function classOf(res: SipResponse): number {
  return Math.floor(res.status / 100);
}
