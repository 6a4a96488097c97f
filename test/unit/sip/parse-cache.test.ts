import { describe, expect, it } from 'vitest';
import { cachedParser } from '../../../sip/parse-cache.js';
import { getHeader, parseMessage, parseNameAddr, parseVia, type SipRequest } from '../../../sip/index.js';
import { stampReceived } from '../../../edge/src/transport/via-received.js';

/** A parser that counts its calls: what the cache spares is visible as calls not made. */
function counting() {
  const calls: string[] = [];
  const parse = (text: string) => {
    calls.push(text);
    return text.startsWith('bad') ? undefined : { text, params: { tag: text.length > 3 ? 'long' : 'short' } };
  };
  return { calls, parse };
}

describe('cachedParser (sip/parse-cache.ts)', () => {
  it('answers the same text with the same object, parsed once', () => {
    const { calls, parse } = counting();
    const cached = cachedParser(parse);
    const first = cached('a;tag=1');
    expect(cached('a;tag=1')).toBe(first);
    expect(calls).toEqual(['a;tag=1']);
    expect(first).toEqual({ text: 'a;tag=1', params: { tag: 'long' } });
  });

  it('freezes the answer all the way down, so no caller can change what the next one reads', () => {
    const cached = cachedParser(counting().parse);
    const answer = cached('abcd')!;
    expect(Object.isFrozen(answer)).toBe(true);
    expect(Object.isFrozen(answer.params)).toBe(true);
    // ES modules are strict: a write to a frozen object throws instead of being lost silently.
    expect(() => {
      (answer.params as { tag: string }).tag = 'changed';
    }).toThrow(TypeError);
    expect(cached('abcd')!.params.tag).toBe('long');
  });

  it('keeps a refusal too (a malformed header read again is not parsed again)', () => {
    const { calls, parse } = counting();
    const cached = cachedParser(parse);
    expect(cached('bad value')).toBeUndefined();
    expect(cached('bad value')).toBeUndefined();
    expect(calls).toHaveLength(1);
  });

  it('holds at most its bound of texts: past it, it starts again empty', () => {
    const { calls, parse } = counting();
    const cached = cachedParser(parse, 4);
    for (let i = 0; i < 10; i++) cached(`text-${i}`);
    expect(calls).toHaveLength(10);
    // text-8 and text-9 came after the last clear; text-0 did not survive it.
    cached('text-9');
    expect(calls).toHaveLength(10);
    cached('text-0');
    expect(calls).toHaveLength(11);
  });

  it('does not keep long texts (the cache stays small whatever the network sends)', () => {
    const { calls, parse } = counting();
    const cached = cachedParser(parse);
    const long = 'x'.repeat(2000);
    expect(cached(long)?.text).toBe(long);
    cached(long);
    expect(calls).toHaveLength(2);
  });
});

describe('the SIP parsers behind the cache', () => {
  it('parseVia and parseNameAddr give frozen, shared answers', () => {
    const via = parseVia('SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-cache-1;rport');
    expect(parseVia('SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-cache-1;rport')).toBe(via);
    expect(Object.isFrozen(via?.params)).toBe(true);
    const from = parseNameAddr('"Alice" <sip:alice@example.com>;tag=cache-1');
    expect(from?.params.tag).toBe('cache-1');
    expect(Object.isFrozen(from)).toBe(true);
  });

  it('stamping received/rport on a request leaves the shared parse of its old Via as it was (RFC 3581 §4)', () => {
    const top = 'SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK-cache-2;rport';
    const parsed = parseMessage(
      `OPTIONS sip:bob@example.com SIP/2.0\r\nVia: ${top}\r\nFrom: <sip:alice@example.com>;tag=1\r\nTo: <sip:bob@example.com>\r\nCall-ID: cache-2\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`,
    );
    if (!parsed.ok) throw new Error('test message does not parse');
    const before = parseVia(top)!;
    expect(stampReceived(parsed.message as SipRequest, { protocol: 'udp', address: '203.0.113.7', port: 40000 })).toBe(true);
    expect(getHeader(parsed.message, 'Via')).toBe('SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK-cache-2;rport=40000;received=203.0.113.7');
    expect(before.params).toEqual({ branch: 'z9hG4bK-cache-2', rport: null });
    expect(parseVia(top)).toBe(before);
  });
});
