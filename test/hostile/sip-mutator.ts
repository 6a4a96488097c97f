/**
 * Mutation fuzzing of SIP (the radamsa idea, small and deterministic): real
 * messages — the parser corpus (RFC 4475 style torture messages) plus the
 * requests phones really send — corrupted by a few random edits each. A seed
 * makes every run reproducible: a failure names its seed and iteration.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** mulberry32: tiny, fast, good enough to drive mutations. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CORPUS = join(import.meta.dirname, '../corpus/valid');

const sdp = ['v=0', 'o=- 1 1 IN IP4 192.0.2.10', 's=-', 'c=IN IP4 192.0.2.10', 't=0 0', 'm=audio 40000 RTP/AVP 0 8 101', 'a=rtpmap:0 PCMU/8000', ''].join('\r\n');

function request(method: string, extra: string[] = [], body = ''): string {
  return [
    `${method} sip:1002@acme.test SIP/2.0`,
    'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-fuzz;rport',
    'Max-Forwards: 70',
    'From: "Alice" <sip:1001@acme.test>;tag=fuzz1',
    'To: <sip:1002@acme.test>',
    'Call-ID: fuzz@192.0.2.10',
    `CSeq: 1 ${method}`,
    'Contact: <sip:1001@192.0.2.10:5060;transport=udp>;expires=300',
    ...extra,
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}

/** The messages mutations start from. */
export function seedMessages(): Buffer[] {
  const corpus = readdirSync(CORPUS)
    .filter((f) => f.endsWith('.sip'))
    .map((f) => readFileSync(join(CORPUS, f)));
  const phone = [
    request('REGISTER', ['Expires: 300', 'Authorization: Digest username="1001", realm="acme.test", nonce="bm9uY2U", uri="sip:acme.test", response="0123456789abcdef0123456789abcdef", algorithm=MD5, qop=auth, nc=00000001, cnonce="abc"']),
    request('INVITE', ['Content-Type: application/sdp', 'Supported: replaces, timer', 'Record-Route: <sip:192.0.2.1;lr>'], sdp),
    request('OPTIONS', ['Accept: application/sdp']),
    request('MESSAGE', ['Content-Type: text/plain'], 'hello, 世界'),
    request('BYE', ['Route: <sip:192.0.2.1;lr>']),
    request('ACK'),
    request('CANCEL'),
    'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-x\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: r@x\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n',
  ].map((m) => Buffer.from(m));
  return [...corpus, ...phone];
}

const INTERESTING_BYTES = [0x00, 0xff, 0x0d, 0x0a, 0x20, 0x09, 0x3a, 0x3b, 0x2c, 0x3c, 0x3e, 0x22, 0x5c, 0x25, 0x40, 0x7f, 0x80, 0xc0];
const INTERESTING_NUMBERS = ['0', '-1', '-2147483649', '4294967296', '99999999999999999999', '1e9', 'NaN', '0x10', '00000000000000000000000001'];

type Mutation = (input: Buffer, rnd: () => number, donor: Buffer) => Buffer;

const pick = <T>(rnd: () => number, items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
const at = (rnd: () => number, length: number) => Math.floor(rnd() * Math.max(1, length));

const MUTATIONS: Record<string, Mutation> = {
  flipBits: (b, rnd) => {
    const out = Buffer.from(b);
    for (let i = 0; i < 1 + at(rnd, 8); i++) {
      const p = at(rnd, out.length);
      if (out.length) out[p] = out[p]! ^ (1 << at(rnd, 8));
    }
    return out;
  },
  interestingByte: (b, rnd) => {
    const out = Buffer.from(b);
    if (out.length) out[at(rnd, out.length)] = pick(rnd, INTERESTING_BYTES);
    return out;
  },
  insertRandom: (b, rnd) => {
    const p = at(rnd, b.length);
    const junk = Buffer.from(Array.from({ length: 1 + at(rnd, 64) }, () => at(rnd, 256)));
    return Buffer.concat([b.subarray(0, p), junk, b.subarray(p)]);
  },
  deleteRange: (b, rnd) => {
    const p = at(rnd, b.length);
    return Buffer.concat([b.subarray(0, p), b.subarray(Math.min(b.length, p + 1 + at(rnd, 40)))]);
  },
  duplicateRange: (b, rnd) => {
    const p = at(rnd, b.length);
    const slice = b.subarray(p, Math.min(b.length, p + 1 + at(rnd, 200)));
    const times = 1 + at(rnd, 50);
    return Buffer.concat([b.subarray(0, p), ...Array<Buffer>(times).fill(slice), b.subarray(p)]);
  },
  truncate: (b, rnd) => b.subarray(0, at(rnd, b.length)),
  replaceNumber: (b, rnd) => {
    const text = b.toString('latin1');
    const numbers = [...text.matchAll(/\d+/g)];
    if (numbers.length === 0) return b;
    const m = pick(rnd, numbers);
    return Buffer.from(text.slice(0, m.index) + pick(rnd, INTERESTING_NUMBERS) + text.slice(m.index! + m[0].length), 'latin1');
  },
  repeatHeaderLine: (b, rnd) => {
    const lines = b.toString('latin1').split('\r\n');
    if (lines.length < 3) return b;
    const i = 1 + at(rnd, lines.length - 2);
    lines.splice(i, 0, ...Array<string>(1 + at(rnd, 300)).fill(lines[i]!));
    return Buffer.from(lines.join('\r\n'), 'latin1');
  },
  lineEnds: (b, rnd) => {
    const text = b.toString('latin1');
    const swap = pick(rnd, [['\r\n', '\n'], ['\r\n', '\r'], ['\r\n', '\r\n\r\n'], ['\r\n', '\r\n ']] as const);
    return Buffer.from(rnd() < 0.5 ? text.replaceAll(swap[0], swap[1]) : text.replace(swap[0], swap[1]), 'latin1');
  },
  contentLength: (b, rnd) =>
    Buffer.from(b.toString('latin1').replace(/(Content-Length|\nl)\s*:\s*\d+/i, `$1: ${pick(rnd, ['-1', '0', '1', '65536', '999999999', '', ' 12 12', '+5'])}`), 'latin1'),
  splice: (b, rnd, donor) => Buffer.concat([b.subarray(0, at(rnd, b.length)), donor.subarray(at(rnd, donor.length))]),
  invalidUtf8: (b, rnd) => {
    const p = at(rnd, b.length);
    return Buffer.concat([b.subarray(0, p), Buffer.from(pick(rnd, [[0xc3, 0x28], [0xe2, 0x82], [0xf0, 0x9f, 0x92], [0xed, 0xa0, 0x80], [0xff, 0xfe]])), b.subarray(p)]);
  },
  deepParams: (b, rnd) => {
    const text = b.toString('latin1');
    const p = text.indexOf(';');
    if (p < 0) return b;
    return Buffer.from(text.slice(0, p) + ';x=y'.repeat(1 + at(rnd, 2000)) + text.slice(p), 'latin1');
  },
};
const NAMES = Object.keys(MUTATIONS);

/** One corrupted message: 1-4 random mutations of a random seed message. */
export function mutate(seeds: readonly Buffer[], rnd: () => number): Buffer {
  let out = pick(rnd, seeds);
  const count = 1 + at(rnd, 4);
  for (let i = 0; i < count; i++) out = MUTATIONS[pick(rnd, NAMES)]!(out, rnd, pick(rnd, seeds));
  return out.length > 65_000 ? out.subarray(0, 65_000) : out;
}
