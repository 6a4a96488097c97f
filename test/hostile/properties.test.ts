import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createResponse, DEFAULT_PARSE_LIMITS, parseMessage, serializeMessage, StreamFramer, validateRequest, validateResponse, type SipResponse,
} from '../../sip/index.js';
import { stampReceived } from '../../edge/src/transport/via-received.js';
import { mutate, prng, seedMessages } from './sip-mutator.js';

const SEEDS = seedMessages();
const corrupted = fc.integer().map((seed) => mutate(SEEDS, prng(seed)));

const alnum = fc.stringMatching(/^[a-z0-9]{1,10}$/);
const headerValue = fc
  .string({ unit: fc.oneof(fc.constantFrom(...' !"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~aZ09'.split('')), fc.constantFrom('é', '名')), maxLength: 40 })
  .map((s) => s.trim());
const response: fc.Arbitrary<SipResponse> = fc.record({
  kind: fc.constant('response' as const),
  status: fc.integer({ min: 100, max: 699 }),
  reason: fc.stringMatching(/^[A-Za-z][A-Za-z ]{0,20}[A-Za-z]$/),
  headers: fc.array(fc.record({ name: fc.oneof(fc.constantFrom('Via', 'From', 'To', 'Call-ID', 'CSeq', 'Contact', 'WWW-Authenticate'), alnum.map((s) => `X-${s}`)), value: headerValue }), { maxLength: 15 }),
  body: fc.string({ unit: 'grapheme', maxLength: 100 }),
});

describe('property: responses round-trip too', () => {
  it('parseMessage(serializeMessage(r)) gives r back (plus Content-Length) for generated responses', () => {
    fc.assert(
      fc.property(response, (res) => {
        const parsed = parseMessage(serializeMessage(res));
        expect(parsed.ok).toBe(true);
        if (!parsed.ok) return;
        expect(parsed.message).toEqual({ ...res, headers: [...res.headers, { name: 'Content-Length', value: String(Buffer.byteLength(res.body)) }] });
      }),
      { numRuns: 300 },
    );
  });
});

describe('property: corrupted real messages never throw, anywhere on the receive path', () => {
  it('parse → validate → stamp Via → answer 400 → serialize: no exception, and whatever parsed re-serializes to something that parses again', () => {
    fc.assert(
      fc.property(corrupted, (bytes) => {
        const parsed = parseMessage(bytes);
        if (!parsed.ok) {
          if (parsed.request) {
            stampReceived(parsed.request, { protocol: 'udp', address: '192.0.2.1', port: 5060 });
            serializeMessage(createResponse(parsed.request, 400, parsed.error));
          }
          return;
        }
        const msg = parsed.message;
        if (msg.kind === 'request') {
          validateRequest(msg);
          stampReceived(msg, { protocol: 'tcp', address: '2001:db8::1', port: 5060, flowId: 'f' });
        } else {
          validateResponse(msg);
        }
        // Re-serializing may push a message over a parse limit: a folded header (RFC 3261 §7.3.1) comes
        // out on one line, a missing Content-Length is added, whitespace is normalized. Within the limits,
        // whatever the parser accepted must come out parseable again (docs/security.md, "known limits").
        const wire = serializeMessage(msg);
        const limits = DEFAULT_PARSE_LIMITS;
        const withinLimits =
          Buffer.byteLength(wire) <= limits.maxMessageBytes &&
          msg.headers.length < limits.maxHeaders &&
          msg.headers.every((h) => Buffer.byteLength(`${h.name}: ${h.value}`) <= limits.maxLineLength);
        if (withinLimits) expect(parseMessage(wire).ok).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('the stream framer never holds more than one message limit of bytes, however a corrupted stream is cut', () => {
    const limit = 8192;
    fc.assert(
      fc.property(fc.array(corrupted, { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 10 }), (messages, cuts) => {
        const stream = Buffer.concat(messages);
        const framer = new StreamFramer({ maxMessageBytes: limit, maxLineLength: 1024 });
        const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
        let prev = 0;
        for (const p of [...points, stream.length]) {
          const events = framer.push(stream.subarray(prev, p));
          for (const e of events) if (e.type === 'message') expect(e.data.length).toBeLessThanOrEqual(limit);
          expect(framer.buffered).toBeLessThanOrEqual(limit + (p - prev));
          prev = p;
          if (framer.failed) break;
        }
      }),
      { numRuns: 500 },
    );
  });
});
