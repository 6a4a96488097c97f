import { describe, expect, it } from 'vitest';
import { parseMessage, StreamFramer, type FramerEvent } from '../../../sip/index.js';

const crlf = (...lines: string[]) => lines.join('\r\n');
const body = 'v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=Ünïcødé 😀\r\n';
const INVITE = crlf(
  'INVITE sip:bob@biloxi.com SIP/2.0',
  'Via: SIP/2.0/TCP pc33.atlanta.com;branch=z9hG4bK776asdhds',
  'Call-ID: a84b4c76e66710',
  'CSeq: 1 INVITE',
  `Content-Length: ${Buffer.byteLength(body)}`,
  '',
  body,
);
const OPTIONS = crlf('OPTIONS sip:x@y SIP/2.0', 'l: 0', '', '');
const RESPONSE = 'SIP/2.0 200 OK\nContent-Length: 2\n\nok'; // LF-only line ends

/** Describes events as plain values so runs with different chunking compare with toEqual. */
function describeEvents(events: FramerEvent[]): unknown[] {
  return events.map((e) => (e.type === 'message' ? { type: 'message', text: e.data.toString('utf8') } : e));
}

function feed(chunks: Buffer[], framer = new StreamFramer()): unknown[] {
  return describeEvents(chunks.flatMap((c) => framer.push(c)));
}

describe('StreamFramer: framing (RFC 3261 §18.3)', () => {
  it('emits one message per Content-Length-framed message', () => {
    expect(feed([Buffer.from(INVITE)])).toEqual([{ type: 'message', text: INVITE }]);
  });

  it('splits several messages delivered in one chunk', () => {
    expect(feed([Buffer.from(INVITE + OPTIONS + RESPONSE)])).toEqual([
      { type: 'message', text: INVITE },
      { type: 'message', text: OPTIONS },
      { type: 'message', text: RESPONSE },
    ]);
  });

  it('emits messages that parseMessage accepts', () => {
    const events = new StreamFramer().push(Buffer.from(INVITE));
    const first = events[0];
    expect(first.type === 'message' && parseMessage(first.data)).toMatchObject({ ok: true, message: { body } });
  });

  it('gives the same events whatever the split point, even inside CRLFCRLF or a multi-byte character', () => {
    const stream = Buffer.from('\r\n\r\n' + INVITE + '\r\n' + OPTIONS + RESPONSE + '\r\n\r\n');
    const expected = feed([stream]);
    expect(expected).toEqual([
      { type: 'keepalive', pong: true },
      { type: 'message', text: INVITE },
      { type: 'keepalive', pong: false },
      { type: 'message', text: OPTIONS },
      { type: 'message', text: RESPONSE },
      { type: 'keepalive', pong: true },
    ]);
    for (let i = 0; i <= stream.length; i++) {
      expect(feed([stream.subarray(0, i), stream.subarray(i)]), `split at ${i}`).toEqual(expected);
    }
  });

  it('gives the same events when fed one byte at a time', () => {
    const stream = Buffer.from(INVITE + OPTIONS + '\r\n\r\n' + RESPONSE);
    const bytes = Array.from(stream, (b) => Buffer.from([b]));
    expect(feed(bytes)).toEqual(feed([stream]));
  });

  it('waits for the rest of a partial message', () => {
    const f = new StreamFramer();
    expect(f.push(Buffer.from(INVITE.slice(0, 40)))).toEqual([]);
    expect(f.buffered).toBe(40);
    expect(describeEvents(f.push(Buffer.from(INVITE.slice(40))))).toEqual([{ type: 'message', text: INVITE }]);
    expect(f.buffered).toBe(0);
  });

  it('copies message data so later pushes cannot alter an emitted message', () => {
    const f = new StreamFramer();
    const chunk = Buffer.from(OPTIONS);
    const [e] = f.push(chunk);
    chunk.fill(0);
    expect(e.type === 'message' && e.data.toString()).toBe(OPTIONS);
  });
});

describe('StreamFramer: keep-alives (RFC 5626 §3.5.1)', () => {
  it('reports a double-CRLF ping as needing a pong', () => {
    expect(feed([Buffer.from('\r\n\r\n')])).toEqual([{ type: 'keepalive', pong: true }]);
  });

  it('reports two pings in a row', () => {
    expect(feed([Buffer.from('\r\n\r\n\r\n\r\n')])).toEqual([{ type: 'keepalive', pong: true }, { type: 'keepalive', pong: true }]);
  });

  it('reports a single CRLF before a message as pong:false', () => {
    expect(feed([Buffer.from('\r\n' + OPTIONS)])).toEqual([{ type: 'keepalive', pong: false }, { type: 'message', text: OPTIONS }]);
  });

  it('holds back a lone CRLF until it knows whether a ping follows', () => {
    const f = new StreamFramer();
    expect(f.push(Buffer.from('\r\n'))).toEqual([]);
    expect(f.push(Buffer.from('\r\n'))).toEqual([{ type: 'keepalive', pong: true }]);
  });

  it('skips stray bare LFs between messages', () => {
    expect(feed([Buffer.from('\n' + OPTIONS)])).toEqual([{ type: 'message', text: OPTIONS }]);
  });
});

describe('StreamFramer: fatal errors', () => {
  it.each<[string, string, string]>([
    ['a missing Content-Length', crlf('OPTIONS sip:x@y SIP/2.0', 'Call-ID: a', '', ''), 'Missing Content-Length'],
    ['a negative Content-Length', crlf('OPTIONS sip:x@y SIP/2.0', 'Content-Length: -5', '', ''), 'Malformed Content-Length'],
    ['a non-numeric Content-Length', crlf('OPTIONS sip:x@y SIP/2.0', 'Content-Length: abc', '', ''), 'Malformed Content-Length'],
    ['conflicting Content-Lengths', crlf('OPTIONS sip:x@y SIP/2.0', 'Content-Length: 1', 'l: 2', '', 'ab'), 'Malformed Content-Length'],
    ['a body larger than the limit', crlf('OPTIONS sip:x@y SIP/2.0', 'Content-Length: 70000', '', ''), 'Message too large'],
    ['a header line longer than the limit', crlf('OPTIONS sip:x@y SIP/2.0', 'Subject: ' + 'a'.repeat(9000), '', ''), 'Header line too long'],
    ['an endless header line', 'OPTIONS sip:x@y SIP/2.0\r\nSubject: ' + 'a'.repeat(9000), 'Header line too long'],
    ['a CR not followed by LF between messages', '\rX', 'Malformed data between messages'],
  ])('reports %s', (_label, input, reason) => {
    const events = feed([Buffer.from(input)]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'error' });
    expect((events[0] as { reason: string }).reason).toContain(reason);
  });

  it('reports too many headers', () => {
    const headers = Array.from({ length: 201 }, (_, i) => `X-${i}: y`);
    expect(feed([Buffer.from(crlf('OPTIONS sip:x@y SIP/2.0', ...headers, 'l: 0', '', ''))])).toEqual([{ type: 'error', reason: 'Too many headers' }]);
  });

  it('reports headers that never end within maxMessageBytes', () => {
    const f = new StreamFramer({ maxMessageBytes: 1000 });
    const events = f.push(Buffer.from('OPTIONS sip:x@y SIP/2.0\r\n' + 'X-A: b\r\n'.repeat(200)));
    expect(events).toEqual([{ type: 'error', reason: 'Message too large' }]);
  });

  it('delivers the messages before an error, then stays failed', () => {
    const f = new StreamFramer();
    const events = describeEvents(f.push(Buffer.from(OPTIONS + crlf('BYE sip:x SIP/2.0', '', ''))));
    expect(events).toEqual([{ type: 'message', text: OPTIONS }, { type: 'error', reason: 'Missing Content-Length on stream transport' }]);
    expect(f.failed).toBe(true);
    expect(f.push(Buffer.from(OPTIONS))).toEqual([]);
  });

  it('honours custom limits', () => {
    const f = new StreamFramer({ maxMessageBytes: 100_000 });
    const big = crlf('MESSAGE sip:x@y SIP/2.0', 'Content-Length: 70000', '', 'x'.repeat(70000));
    expect(describeEvents(f.push(Buffer.from(big)))).toEqual([{ type: 'message', text: big }]);
  });

  it('ignores empty chunks', () => {
    expect(new StreamFramer().push(Buffer.alloc(0))).toEqual([]);
  });
});
