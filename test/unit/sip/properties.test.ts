import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  getHeader, getHeaders, parseAuthHeader, parseContacts, parseCSeq, parseMessage, parseNameAddr, parseParams, parseUri, parseVia,
  serializeMessage, StreamFramer, type FramerEvent, type SipRequest,
} from '../../../sip/index.js';

const token = fc.stringMatching(/^[A-Za-z0-9\-.!%*_+`'~]{1,12}$/);
const alnum = fc.stringMatching(/^[a-z0-9]{1,10}$/);
const host = fc.oneof(
  fc.array(alnum, { minLength: 1, maxLength: 3 }).map((p) => p.join('.') + '.example'),
  fc.constant('[2001:db8::1]'),
  fc.ipV4(),
);
/** Header values as a parser hands them back: trimmed, single-line, no controls; may include UTF-8. */
const headerValue = fc
  .string({ unit: fc.oneof(fc.constantFrom(...' !"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~aZ09'.split('')), fc.constantFrom('é', '名', '😀')), maxLength: 40 })
  .map((s) => s.trim());
const knownHeader = fc.constantFrom('Via', 'From', 'To', 'Call-ID', 'CSeq', 'Contact', 'Max-Forwards', 'Subject', 'Route', 'Allow', 'WWW-Authenticate');
const headerName = fc.oneof(knownHeader, alnum.map((s) => `X-${s}`));

const request: fc.Arbitrary<SipRequest> = fc.record({
  kind: fc.constant('request' as const),
  method: fc.oneof(fc.constantFrom('INVITE', 'ACK', 'BYE', 'CANCEL', 'REGISTER', 'OPTIONS', 'MESSAGE'), token),
  uri: fc.tuple(alnum, host, fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined })).map(
    ([u, h, p]) => `sip:${u}@${h}${p === undefined ? '' : ':' + p}`,
  ),
  headers: fc.array(fc.record({ name: headerName, value: headerValue }), { maxLength: 20 }),
  body: fc.string({ unit: 'grapheme', maxLength: 200 }),
});

describe('property: serialize/parse round trip', () => {
  it('serializeMessage(parseMessage(x)) === x for generated valid requests', () => {
    fc.assert(
      fc.property(request, (req) => {
        const wire = serializeMessage(req);
        const r = parseMessage(wire);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(serializeMessage(r.message)).toBe(wire);
        expect(r.message).toEqual({
          ...req,
          headers: [...req.headers, { name: 'Content-Length', value: String(Buffer.byteLength(req.body)) }],
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe('property: never throws on hostile input', () => {
  it('parseMessage returns a result for arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
        const r = parseMessage(Buffer.from(bytes));
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });

  it('parseMessage returns a result for SIP-looking mutated text', () => {
    const fragments = fc.constantFrom('INVITE sip:a@b SIP/2.0', 'SIP/2.0 200 OK', 'Via: SIP/2.0/UDP h', 'l: 5', 'Content-Length: -1', ' ', '\t', ':', '\r\n', '\n', '\r', '"', '\\', '<', '>', ';', ',', '\u0000', 'é');
    fc.assert(
      fc.property(fc.array(fragments, { maxLength: 60 }), (parts) => {
        const r = parseMessage(parts.join(''));
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });

  it('header parsers return undefined or a value for arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
        expect(() => {
          parseUri(s);
          parseVia(s);
          parseNameAddr(s);
          parseContacts([s, s]);
          parseAuthHeader(s);
          parseParams(s);
          parseCSeq(s);
        }).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });

  it('StreamFramer survives arbitrary chunk sequences', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 512 }), { maxLength: 20 }), (chunks) => {
        const f = new StreamFramer({ maxMessageBytes: 4096, maxLineLength: 1024 });
        for (const c of chunks) expect(Array.isArray(f.push(Buffer.from(c)))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('property: stream framing ignores chunk boundaries', () => {
  const item = fc.oneof(
    request.map((r) => Buffer.from(serializeMessage(r))),
    fc.constantFrom(Buffer.from('\r\n\r\n'), Buffer.from('\r\n')),
  );

  it('any split of a stream of messages and keep-alives yields the same events', () => {
    const describe = (events: FramerEvent[]) => events.map((e) => (e.type === 'message' ? e.data.toString('hex') : JSON.stringify(e)));
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 8 }), (items, cuts) => {
        const stream = Buffer.concat(items);
        const whole = describe(new StreamFramer().push(stream));
        const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
        const f = new StreamFramer();
        const events: FramerEvent[] = [];
        let prev = 0;
        for (const p of [...points, stream.length]) {
          events.push(...f.push(stream.subarray(prev, p)));
          prev = p;
        }
        expect(describe(events)).toEqual(whole);
        expect(whole.filter((e) => !e.startsWith('{')).length).toBe(items.filter((b) => b[0] !== 0x0d).length);
      }),
      { numRuns: 200 },
    );
  });
});

describe('property: getHeader reads the first value getHeaders would give', () => {
  // getHeader stops at the first top-level comma of a list line instead of splitting it (issue 14): the answer must not change.
  const spelling = fc.constantFrom('Via', 'v', 'VIA', 'Contact', 'm', 'Route', 'Allow', 'Call-ID', 'i', 'Subject', 's', 'WWW-Authenticate', 'X-Foo', 'x-foo');
  const listish = fc
    .array(fc.oneof(headerValue, fc.constantFrom('', ' ', ',', ' , ', '"a, b"', '<sip:x@y;a=1,2>', '"q\\", r"')), { maxLength: 4 })
    .map((parts) => parts.join(','));
  const message = fc.array(fc.record({ name: spelling, value: listish }), { maxLength: 8 });

  it('for every spelling, list or not, with empty elements, quotes and angle brackets', () => {
    fc.assert(
      fc.property(message, spelling, (headers, name) => {
        const m = { headers };
        expect(getHeader(m, name)).toBe(getHeaders(m, name)[0]);
      }),
      { numRuns: 2000 },
    );
  });
});
