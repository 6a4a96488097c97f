import { createResponse, hasToTag, newTag } from '../../../../sip/index.js';
import type { SipHeader, SipRequest } from '../../../../sip/message.js';
import type { ServerTransaction } from '../../transaction/index.js';
import { SERVER_HEADER } from '../pbx-capabilities.js';

/** Answers the request on its server transaction (a To tag of our own when it had none, RFC 3261 §8.2.6.2). */
export function respond(tx: ServerTransaction, req: SipRequest, status: number, reason: string, headers: SipHeader[] = []): 'done' {
  const res = createResponse(req, status, reason, {
    toTag: hasToTag(req) ? undefined : newTag(),
    headers: [...headers, { name: 'Server', value: SERVER_HEADER }],
  });
  tx.respond(res);
  return 'done';
}
