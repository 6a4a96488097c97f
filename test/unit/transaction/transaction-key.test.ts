import { describe, expect, it } from 'vitest';
import { clientTransactionKey, rfc2543ToTagMatches, serverTransactionKey } from '../../../edge/src/transaction/index.js';
import { makeAck, makeRequest, respond } from './harness.js';

const keyOf = (...args: Parameters<typeof serverTransactionKey>) => serverTransactionKey(...args)?.key;

describe('server transaction keys (RFC 3261 §17.2.3)', () => {
  const invite = makeRequest({ method: 'INVITE', branch: 'z9hG4bK-abc' });

  it('matches the ACK of a non-2xx to its INVITE', () => {
    expect(keyOf(makeAck(invite, respond(invite, 486)))).toBe(keyOf(invite));
  });

  it('gives a CANCEL its own transaction, yet finds the INVITE when asked to match as INVITE (§9.2)', () => {
    const cancel = makeRequest({ method: 'CANCEL', branch: 'z9hG4bK-abc' });
    expect(keyOf(cancel)).not.toBe(keyOf(invite));
    expect(keyOf(cancel, 'INVITE')).toBe(keyOf(invite));
  });

  it('tells apart requests whose branch is equal but whose sent-by differs', () => {
    const other = makeRequest({ method: 'INVITE', via: 'SIP/2.0/UDP 192.0.2.11:5060;branch=z9hG4bK-abc' });
    expect(keyOf(other)).not.toBe(keyOf(invite));
  });

  it('ignores the case of the sent-by host and the other Via parameters', () => {
    const a = makeRequest({ via: 'SIP/2.0/UDP Host.Example.com:5060;branch=z9hG4bK-x' });
    const b = makeRequest({ via: 'SIP/2.0/UDP host.example.com:5060;branch=z9hG4bK-x;rport;received=192.0.2.1' });
    expect(keyOf(a)).toBe(keyOf(b));
    expect(serverTransactionKey(a)?.rfc2543).toBe(false);
  });

  it('compares the branch case-sensitively', () => {
    expect(keyOf(makeRequest({ branch: 'z9hG4bK-ABC' }))).not.toBe(keyOf(makeRequest({ branch: 'z9hG4bK-abc' })));
  });

  it('is undefined without a parseable Via', () => {
    const req = makeRequest();
    req.headers = req.headers.filter((h) => h.name !== 'Via');
    expect(serverTransactionKey(req)).toBeUndefined();
  });

  describe('RFC 2543 fallback (branch without the magic cookie)', () => {
    const old = makeRequest({ method: 'INVITE', via: 'SIP/2.0/UDP 192.0.2.50:5060;branch=1234', cseq: 7 });

    it('keys on Request-URI, From tag, Call-ID, CSeq number and top Via', () => {
      expect(serverTransactionKey(old)?.rfc2543).toBe(true);
      expect(keyOf(structuredClone(old))).toBe(keyOf(old));
      expect(keyOf(makeRequest({ method: 'INVITE', via: 'SIP/2.0/UDP 192.0.2.50:5060;branch=1234', cseq: 8 }))).not.toBe(keyOf(old));
      expect(keyOf({ ...old, uri: 'sip:carol@example.com' })).not.toBe(keyOf(old));
      expect(keyOf(makeRequest({ method: 'INVITE', via: 'SIP/2.0/UDP 192.0.2.50:5060;branch=1234', cseq: 7, fromTag: 'other' }))).not.toBe(
        keyOf(old),
      );
      expect(keyOf(makeRequest({ method: 'INVITE', via: 'SIP/2.0/UDP 192.0.2.50:5060', cseq: 7 }))).not.toBe(keyOf(old));
    });

    it('puts the ACK (CSeq method ACK) on the INVITE key; the To tag is checked separately', () => {
      const busy = respond(old, 486, 'uas-tag');
      const ack = makeAck(old, busy);
      expect(keyOf(ack)).toBe(keyOf(old));
      expect(rfc2543ToTagMatches(ack, old, busy)).toBe(true);
      expect(rfc2543ToTagMatches(ack, old, respond(old, 486, 'another-tag'))).toBe(false);
      expect(rfc2543ToTagMatches(ack, old, undefined)).toBe(false);
    });

    it('requires a retransmission to carry the To tag of the original request', () => {
      expect(rfc2543ToTagMatches(structuredClone(old), old, undefined)).toBe(true);
      const tagged = makeRequest({ method: 'INVITE', via: 'SIP/2.0/UDP 192.0.2.50:5060;branch=1234', cseq: 7, toTag: 'x' });
      expect(rfc2543ToTagMatches(tagged, old, undefined)).toBe(false);
    });
  });
});

describe('client transaction keys (RFC 3261 §17.1.3)', () => {
  it('matches a response to its request by top Via branch and CSeq method', () => {
    const req = makeRequest({ method: 'INVITE', branch: 'z9hG4bK-c1' });
    expect(clientTransactionKey(respond(req, 180))).toBe(clientTransactionKey(req));
  });

  it('keeps the CANCEL apart from the INVITE it cancels', () => {
    const invite = makeRequest({ method: 'INVITE', branch: 'z9hG4bK-c1' });
    const cancel = makeRequest({ method: 'CANCEL', branch: 'z9hG4bK-c1' });
    expect(clientTransactionKey(respond(cancel, 200))).not.toBe(clientTransactionKey(invite));
  });

  it('is undefined without a branch', () => {
    expect(clientTransactionKey(makeRequest({ via: 'SIP/2.0/UDP 192.0.2.10:5060' }))).toBeUndefined();
  });
});
