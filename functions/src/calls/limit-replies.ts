/**
 * What a caller or callee over its call limit hears (MSS per-user limits).
 * The callee side is busy (RFC 3261 §21.4.24: 486 Busy Here, the callee "is
 * not willing or able to take additional calls"); the caller side is refused
 * with 403 and a reason phrase that tells the user why (RFC 3261 §21.4.4).
 */
import type { SipReply } from '../../../contracts/function-events.js';
import type { SlotDirection, SlotLimit } from './call-slot-rules.js';

export function limitReply(direction: SlotDirection, limit: SlotLimit, limitValue: number | undefined): SipReply {
  if (direction === 'in') return { status: 486, reason: 'Busy Here', headers: [] };
  if (limit === 'maxOutgoingCalls') {
    return { status: 403, reason: limitValue === 0 ? 'Outgoing calls not allowed' : 'Outgoing call limit reached', headers: [] };
  }
  return { status: 403, reason: limitValue === 0 ? 'Calls not allowed' : 'Call limit reached', headers: [] };
}
