import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../../sip/index.js';
import type { SipRequest } from '../../../sip/message.js';
import { CallRegistry, type ProxiedCall } from '../../../edge/src/proxy/call-registry.js';
import { inviteIdentity, MERGED, mergeVerdict, PENDING, type InviteIdentity } from '../../../edge/src/proxy/merged-request.js';

const first: InviteIdentity = { callId: 'c-1', fromTag: 'tag-a', cseq: 2, branch: 'z9hG4bK-1' };

describe('merged requests (RFC 3261 §8.2.2.2) at the proxy', () => {
  it.each<[string, InviteIdentity, ReturnType<typeof mergeVerdict>]>([
    ['another Call-ID: a call of its own', { ...first, callId: 'c-2', branch: 'z9hG4bK-2' }, undefined],
    ['the Call-ID with another From tag: merged', { ...first, fromTag: 'tag-b', branch: 'z9hG4bK-2' }, MERGED],
    ['another From tag, even with another CSeq: merged', { ...first, fromTag: 'tag-b', cseq: 1, branch: 'z9hG4bK-2' }, MERGED],
    ['the same From tag and CSeq on another branch (forked back): merged', { ...first, branch: 'z9hG4bK-2' }, MERGED],
    ['the same From tag with the next CSeq while the first is in progress: 500 + Retry-After (§14.2)', { ...first, cseq: 3, branch: 'z9hG4bK-2' }, PENDING],
  ])('%s', (_name, invite, verdict) => {
    expect(mergeVerdict(invite, [first])).toEqual(verdict);
  });

  it('reads the identity of an INVITE as received: Call-ID, From tag, CSeq number, top Via branch', () => {
    const parsed = parseMessage(
      [
        'INVITE sip:2002@acme.test SIP/2.0',
        'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-top, SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK-below',
        'From: <sip:2001@acme.test>;tag=caller-tag',
        'To: <sip:2002@acme.test>',
        'Call-ID: call-1',
        'CSeq: 7 INVITE',
        'Max-Forwards: 70',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
    expect(parsed.ok).toBe(true);
    expect(inviteIdentity((parsed as { message: SipRequest }).message)).toEqual({ callId: 'call-1', fromTag: 'caller-tag', cseq: 7, branch: 'z9hG4bK-top' });
  });
});

describe('call registry: several calls under one Call-ID', () => {
  const call = (identity: InviteIdentity): ProxiedCall & { byes: number } => ({
    identity,
    byes: 0,
    cancelFromCaller: () => undefined,
    ackSeen: () => undefined,
    byeSeen() {
      this.byes++;
    },
  });

  it('keeps every call of a Call-ID, finds a dialog by the caller tag in From or To, and forgets one call without the other', () => {
    const registry = new CallRegistry();
    const owned = call(first);
    const relayed = call({ ...first, fromTag: 'tag-b', branch: 'z9hG4bK-relayed' });
    registry.add('tx-1', owned);
    registry.add('tx-2', relayed);
    expect(registry.withCallId('c-1')).toEqual([owned, relayed]);
    expect(registry.size).toBe(2);
    // The caller's BYE (From = caller tag) and the callee's (To = caller tag).
    expect(registry.forDialog('c-1', 'tag-a', 'callee-tag')).toEqual([owned]);
    expect(registry.forDialog('c-1', 'callee-tag', 'tag-b')).toEqual([relayed]);

    registry.remove(relayed);
    expect(registry.withCallId('c-1')).toEqual([owned]);
    expect(registry.forTransaction('tx-2')).toBeUndefined();
    expect(registry.forTransaction('tx-1')).toBe(owned);
    registry.remove(owned);
    expect(registry.withCallId('c-1')).toEqual([]);
    expect(registry.size).toBe(0);
  });
});
