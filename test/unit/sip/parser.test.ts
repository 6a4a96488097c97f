import { describe, expect, it } from 'vitest';
import { DEFAULT_PARSE_LIMITS, parseMessage, type ParseResult, type SipMessage } from '../../../sip/index.js';

const crlf = (...lines: string[]) => lines.join('\r\n');

function ok(r: ParseResult): SipMessage {
  if (!r.ok) throw new Error(`expected success, got ${r.error}`);
  return r.message;
}

const OPTIONS = crlf(
  'OPTIONS sip:carol@chicago.com SIP/2.0',
  'Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKhjhs8ass877',
  'Max-Forwards: 70',
  'To: <sip:carol@chicago.com>',
  'From: Alice <sip:alice@atlanta.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710',
  'CSeq: 63104 OPTIONS',
  'Content-Length: 0',
  '',
  '',
);

describe('parseMessage: start lines', () => {
  it('parses a request line', () => {
    expect(ok(parseMessage(OPTIONS))).toMatchObject({ kind: 'request', method: 'OPTIONS', uri: 'sip:carol@chicago.com', body: '' });
  });

  it('parses a status line with a multi-word reason', () => {
    expect(ok(parseMessage(crlf('SIP/2.0 481 Call/Transaction Does Not Exist', 'Content-Length: 0', '', '')))).toMatchObject({
      kind: 'response', status: 481, reason: 'Call/Transaction Does Not Exist',
    });
  });

  it('accepts an empty reason phrase and a UTF-8 reason', () => {
    expect(ok(parseMessage('SIP/2.0 200\r\n\r\n'))).toMatchObject({ status: 200, reason: '' });
    expect(ok(parseMessage('SIP/2.0 486 Besetzt – später\r\n\r\n'))).toMatchObject({ reason: 'Besetzt – später' });
  });

  it('keeps unknown methods as received', () => {
    expect(ok(parseMessage(crlf('NEWMETHOD sip:x@y SIP/2.0', 'Content-Length: 0', '', '')))).toMatchObject({ method: 'NEWMETHOD' });
  });

  it('ignores CRLFs before the start line (RFC 3261 §7.5)', () => {
    expect(ok(parseMessage('\r\n\r\n' + OPTIONS))).toMatchObject({ method: 'OPTIONS' });
  });

  it.each<[string, string | Buffer, string]>([
    ['garbage', 'hello world\r\n\r\n', 'Malformed start line'],
    ['a request line without version', 'INVITE sip:x@y\r\n\r\n', 'Malformed start line'],
    ['spaces inside the Request-URI', 'INVITE sip:x@y; lr SIP/2.0\r\n\r\n', 'Malformed start line'],
    ['an unsupported version', 'INVITE sip:x@y SIP/3.0\r\n\r\n', 'Unsupported SIP version'],
    ['an unsupported response version', 'SIP/1.0 200 OK\r\n\r\n', 'Unsupported SIP version'],
    ['a status code out of range', 'SIP/2.0 999 What\r\n\r\n', 'Invalid status code'],
    ['a 2-digit status', 'SIP/2.0 20 OK\r\n\r\n', 'Malformed start line'],
    ['an empty message', '', 'Empty message'],
    ['only line ends', '\r\n\r\n', 'Empty message'],
    ['a NUL in the start line', 'INVITE sip:x\u0000@y SIP/2.0\r\n\r\n', 'Malformed start line'],
    ['binary bytes', Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x0a, 0x0a]), 'Malformed start line'],
  ])('rejects %s', (_label, input, error) => {
    const r = parseMessage(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(error);
  });
});

describe('parseMessage: headers', () => {
  it('expands compact names and canonicalises case, keeping order and unknown headers', () => {
    const m = ok(parseMessage(crlf('MESSAGE sip:a@b SIP/2.0', 'v: SIP/2.0/UDP h', 'i: id1', 'X-Weird-Thing:  keep  me ', 'CALL-ID: id2', 'x-lower: y', 'l: 0', '', '')));
    expect(m.headers).toEqual([
      { name: 'Via', value: 'SIP/2.0/UDP h' },
      { name: 'Call-ID', value: 'id1' },
      { name: 'X-Weird-Thing', value: 'keep  me' },
      { name: 'Call-ID', value: 'id2' },
      { name: 'x-lower', value: 'y' },
      { name: 'Content-Length', value: '0' },
    ]);
  });

  it('unfolds continuation lines into a single space (RFC 3261 §7.3.1)', () => {
    const m = ok(parseMessage(crlf('OPTIONS sip:a@b SIP/2.0', 'Subject: I know you\'re there,', '   pick up the phone', '\t and talk to me!', 'Content-Length: 0', '', '')));
    expect(m.headers[0]).toEqual({ name: 'Subject', value: "I know you're there, pick up the phone and talk to me!" });
  });

  it('allows whitespace around the colon and empty values', () => {
    const m = ok(parseMessage(crlf('OPTIONS sip:a@b SIP/2.0', 'Subject\t :   hi', 'Organization:', 'Content-Length: 0', '', '')));
    expect(m.headers.slice(0, 2)).toEqual([{ name: 'Subject', value: 'hi' }, { name: 'Organization', value: '' }]);
  });

  it('accepts bare LF line ends', () => {
    const m = ok(parseMessage(OPTIONS.replace(/\r\n/g, '\n')));
    expect(m.headers).toHaveLength(7);
  });

  it('tolerates a missing blank line at the end of a datagram', () => {
    const m = ok(parseMessage('SIP/2.0 200 OK\r\nCall-ID: x\r\n'));
    expect(m.headers).toEqual([{ name: 'Call-ID', value: 'x' }]);
  });

  it('does not throw on invalid UTF-8 in header values', () => {
    const m = ok(parseMessage(Buffer.concat([Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nSubject: '), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('\r\n\r\n')])));
    expect(m.headers[0].value).toContain('\uFFFD');
  });

  it.each<[string, string, string]>([
    ['a header without colon', 'Via SIP/2.0/UDP h', 'missing colon'],
    ['a header with a space in the name', 'Bad Name: x', 'Malformed header name'],
    ['an empty header name', ': x', 'Malformed header name'],
    ['a control character', 'Subject: a\u0001b', 'Invalid character in header'],
    ['a bare CR inside a line', 'Subject: a\rInjected: b', 'Invalid character in header'],
  ])('rejects %s and still returns the partial request', (_label, bad, error) => {
    const r = parseMessage(crlf('INVITE sip:a@b SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', bad, 'Call-ID: c', 'Content-Length: 0', '', ''));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toContain(error);
    expect(r.request?.method).toBe('INVITE');
    expect(r.request?.headers.map((h) => h.name)).toEqual(['Via', 'Call-ID', 'Content-Length']);
  });

  it('rejects a continuation line directly after the start line', () => {
    const r = parseMessage(crlf('OPTIONS sip:a@b SIP/2.0', ' folded', 'Content-Length: 0', '', ''));
    expect(r).toMatchObject({ ok: false, error: 'Malformed header folding' });
  });

  it('does not return a partial request for responses', () => {
    const r = parseMessage(crlf('SIP/2.0 200 OK', 'broken', '', ''));
    expect(r).toEqual({ ok: false, error: 'Malformed header: missing colon' });
  });
});

describe('parseMessage: body and Content-Length', () => {
  it('limits the body to Content-Length and ignores extra datagram bytes (RFC 3261 §18.3)', () => {
    expect(ok(parseMessage(crlf('MESSAGE sip:a@b SIP/2.0', 'Content-Length: 5', '', 'helloTRAILING'))).body).toBe('hello');
  });

  it('counts Content-Length in bytes, not characters', () => {
    const body = 'héllo → 世界 😀';
    const m = ok(parseMessage(crlf('MESSAGE sip:a@b SIP/2.0', `l: ${Buffer.byteLength(body)}`, '', body + 'xx')));
    expect(m.body).toBe(body);
  });

  it('takes the rest of the datagram when Content-Length is absent', () => {
    expect(ok(parseMessage(crlf('MESSAGE sip:a@b SIP/2.0', 'Subject: x', '', 'all of\r\nthis'))).body).toBe('all of\r\nthis');
  });

  it('keeps a body that itself contains blank lines', () => {
    const body = 'v=0\r\n\r\ns=-\r\n';
    expect(ok(parseMessage(crlf('INVITE sip:a@b SIP/2.0', `Content-Length: ${body.length}`, '', body))).body).toBe(body);
  });

  it('accepts repeated identical Content-Length values', () => {
    expect(ok(parseMessage(crlf('MESSAGE sip:a@b SIP/2.0', 'Content-Length: 2', 'l: 02', '', 'hi'))).body).toBe('hi');
  });

  it.each<[string, string, string]>([
    ['larger than the body', 'Content-Length: 50', 'Content-Length exceeds body'],
    ['negative', 'Content-Length: -1', 'Malformed Content-Length'],
    ['non-numeric', 'Content-Length: ten', 'Malformed Content-Length'],
    ['conflicting', 'Content-Length: 2\r\nContent-Length: 3', 'Malformed Content-Length'],
    ['absurdly large', 'Content-Length: 99999999999999999999999', 'Content-Length exceeds body'],
  ])('rejects a Content-Length %s, returning the partial request', (_label, cl, error) => {
    const r = parseMessage(crlf('MESSAGE sip:a@b SIP/2.0', 'Call-ID: c', cl, '', 'abc'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toContain(error);
    expect(r.request?.headers[0]).toEqual({ name: 'Call-ID', value: 'c' });
  });
});

describe('parseMessage: limits', () => {
  it('exposes the documented defaults', () => {
    expect(DEFAULT_PARSE_LIMITS).toEqual({ maxMessageBytes: 65535, maxHeaders: 200, maxLineLength: 8192 });
  });

  it('rejects a message larger than maxMessageBytes', () => {
    const big = crlf('MESSAGE sip:a@b SIP/2.0', 'Content-Length: 70000', '', 'x'.repeat(70000));
    expect(parseMessage(big)).toMatchObject({ ok: false, error: 'Message too large' });
    expect(parseMessage(Buffer.from(big))).toMatchObject({ ok: false, error: 'Message too large' });
    expect(ok(parseMessage(big, { maxMessageBytes: 100_000 })).body).toHaveLength(70000);
  });

  it('rejects a line longer than maxLineLength', () => {
    const r = parseMessage(crlf('OPTIONS sip:a@b SIP/2.0', 'Subject: ' + 'a'.repeat(9000), '', ''));
    expect(r).toMatchObject({ ok: false, error: 'Line too long' });
    expect(parseMessage(crlf('OPTIONS sip:a@b SIP/2.0', 'Subject: ' + 'a'.repeat(9000), '', ''), { maxLineLength: 10_000 }).ok).toBe(true);
  });

  it('rejects more than maxHeaders header lines', () => {
    const lines = Array.from({ length: 201 }, (_, i) => `X-H${i}: ${i}`);
    expect(parseMessage(crlf('OPTIONS sip:a@b SIP/2.0', ...lines, '', ''))).toMatchObject({ ok: false, error: 'Too many headers' });
    expect(parseMessage(crlf('OPTIONS sip:a@b SIP/2.0', ...lines.slice(0, 200), '', '')).ok).toBe(true);
  });

  it('ignores nonsensical limit overrides instead of failing open', () => {
    const lines = Array.from({ length: 201 }, (_, i) => `X-H${i}: ${i}`);
    expect(parseMessage(crlf('OPTIONS sip:a@b SIP/2.0', ...lines, '', ''), { maxHeaders: Number.NaN }).ok).toBe(false);
  });

  it('handles thousands of headers and deep parameter lists without throwing', () => {
    const many = crlf('OPTIONS sip:a@b SIP/2.0', ...Array.from({ length: 5000 }, () => 'Via: SIP/2.0/UDP h'), '', '');
    expect(() => parseMessage(many, { maxMessageBytes: 1e6 })).not.toThrow();
    const deep = crlf('OPTIONS sip:a@b SIP/2.0', 'Contact: <sip:a@b>' + ';p=1'.repeat(1500), '', '');
    expect(parseMessage(deep).ok).toBe(true);
  });

  it('rejects non-Buffer, non-string input without throwing', () => {
    expect(parseMessage(42 as unknown as string)).toMatchObject({ ok: false });
    expect(parseMessage(null as unknown as string)).toMatchObject({ ok: false });
  });

  it('accepts a plain Uint8Array', () => {
    expect(parseMessage(new Uint8Array(Buffer.from(OPTIONS)) as unknown as Buffer).ok).toBe(true);
  });
});
