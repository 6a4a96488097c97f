/**
 * Writes the golden parser corpus with exact line-end bytes:
 *   valid/<name>.sip + valid/<name>.json      (expected parse, written by hand below)
 *   malformed/<name>.sip + malformed/<name>.txt (expected error substring)
 * Run: npx tsx test/corpus/generate-corpus.ts
 * The .sip/.json/.txt files are the source of truth for test/unit/sip/corpus.test.ts;
 * this script only exists so that CR/LF bytes are reproducible and reviewable.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const CRLF = '\r\n';
const lines = (eol: string, ...ls: string[]) => ls.join(eol);
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

type Header = [string, string];
interface Expected {
  kind: 'request' | 'response';
  method?: string;
  uri?: string;
  status?: number;
  reason?: string;
  headers: { name: string; value: string }[];
  body: string;
  /** Number of Via values after splitting lists (getHeaders). */
  viaCount?: number;
  /** Expected validateRequest / validateResponse result; null = passes. */
  validation?: string | null;
}

const valid: { name: string; wire: string | Buffer; expected: Expected }[] = [];
const malformed: { name: string; wire: string | Buffer; error: string }[] = [];

function req(method: string, uri: string, headers: Header[], body: string, extra: Partial<Expected> = {}): Expected {
  return { kind: 'request', method, uri, headers: headers.map(([name, value]) => ({ name, value })), body, ...extra };
}
function res(status: number, reason: string, headers: Header[], body: string, extra: Partial<Expected> = {}): Expected {
  return { kind: 'response', status, reason, headers: headers.map(([name, value]) => ({ name, value })), body, ...extra };
}

// ---------------------------------------------------------------- valid

// RFC 4475 §3.1.1.1 style "short tortuous INVITE": folding, odd case, LWS everywhere, escaped quotes.
{
  const body = 'v=0\r\no=mhandley 29739 7272939 IN IP4 192.0.2.3\r\ns=-\r\nc=IN IP4 192.0.2.4\r\nt=0 0\r\nm=audio 49217 RTP/AVP 0 12\r\n';
  valid.push({
    name: 'tortuous-invite',
    wire: lines(CRLF,
      'INVITE sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0',
      'TO :',
      ' sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n',
      'from   : "J Rosenberg \\\\\\""       <sip:jdrosen@example.com>',
      '  ;',
      '  tag = 98asjd8',
      'MaX-fOrWaRdS: 0068',
      'Call-ID: wsinv.ndaksdj@192.0.2.1',
      `Content-Length   : ${bytes(body)}`,
      'cseq: 0009',
      '  INVITE',
      'Via  : SIP  /   2.0',
      ' /UDP',
      '    192.0.2.2;branch=z9hG4bK390skdjuw',
      's :',
      'NewFangledHeader:   newfangled value',
      ' continued newfangled value',
      'UnknownHeaderWithUnusualValue: ;;,,;;,;',
      'Content-Type: application/sdp',
      'Route:',
      ' <sip:services.example.com;lr;unknownwith=value;unknown-no-value>',
      'v:  SIP  / 2.0  / TCP     spindle.example.com   ;',
      '  branch  =   z9hG4bK9ikj8  ,',
      ' SIP  /    2.0   / UDP  192.168.255.111   ; branch=',
      ' z9hG4bK30239',
      'm:"Quoted string \\"\\"" <sip:jdrosen@example.com> ; newparam =',
      '      newvalue ;',
      '  secondparam ; q = 0.33',
      '',
      body),
    expected: req('INVITE', 'sip:vivekg@chair-dnrc.example.com;unknownparam', [
      ['To', 'sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n'],
      ['From', '"J Rosenberg \\\\\\""       <sip:jdrosen@example.com> ; tag = 98asjd8'],
      ['Max-Forwards', '0068'],
      ['Call-ID', 'wsinv.ndaksdj@192.0.2.1'],
      ['Content-Length', String(bytes(body))],
      ['CSeq', '0009 INVITE'],
      ['Via', 'SIP  /   2.0 /UDP 192.0.2.2;branch=z9hG4bK390skdjuw'],
      ['Subject', ''],
      ['NewFangledHeader', 'newfangled value continued newfangled value'],
      ['UnknownHeaderWithUnusualValue', ';;,,;;,;'],
      ['Content-Type', 'application/sdp'],
      ['Route', '<sip:services.example.com;lr;unknownwith=value;unknown-no-value>'],
      ['Via', 'SIP  / 2.0  / TCP     spindle.example.com   ; branch  =   z9hG4bK9ikj8  , SIP  /    2.0   / UDP  192.168.255.111   ; branch= z9hG4bK30239'],
      ['Contact', '"Quoted string \\"\\"" <sip:jdrosen@example.com> ; newparam = newvalue ; secondparam ; q = 0.33'],
    ], body, { viaCount: 3, validation: null }),
  });
}

// Every compact form, LF-only line ends.
valid.push({
  name: 'compact-forms-lf',
  wire: lines('\n',
    'INVITE sip:bob@biloxi.example.com SIP/2.0',
    'v: SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74bf9',
    'Max-Forwards: 70',
    'f: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl',
    't: Bob <sip:bob@biloxi.example.com>',
    'i: 3848276298220188511@atlanta.example.com',
    'CSeq: 1 INVITE',
    'm: <sip:alice@client.atlanta.example.com;transport=tcp>',
    'k: timer, 100rel',
    's: Lunch?',
    'o: presence',
    'u: dialog, refer',
    'x: 1800;refresher=uac',
    'r: <sip:carol@chicago.example.com>',
    'b: <sip:alice@atlanta.example.com>',
    'a: *;audio',
    'j: *;video',
    'd: proxy',
    'e: gzip',
    'y: abc.def.ghi',
    'n: <https://cert.example.com/cert>;alg=rsa-sha1',
    'c: text/plain',
    'l: 2',
    '',
    'hi'),
  expected: req('INVITE', 'sip:bob@biloxi.example.com', [
    ['Via', 'SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74bf9'],
    ['Max-Forwards', '70'],
    ['From', 'Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl'],
    ['To', 'Bob <sip:bob@biloxi.example.com>'],
    ['Call-ID', '3848276298220188511@atlanta.example.com'],
    ['CSeq', '1 INVITE'],
    ['Contact', '<sip:alice@client.atlanta.example.com;transport=tcp>'],
    ['Supported', 'timer, 100rel'],
    ['Subject', 'Lunch?'],
    ['Event', 'presence'],
    ['Allow-Events', 'dialog, refer'],
    ['Session-Expires', '1800;refresher=uac'],
    ['Refer-To', '<sip:carol@chicago.example.com>'],
    ['Referred-By', '<sip:alice@atlanta.example.com>'],
    ['Accept-Contact', '*;audio'],
    ['Reject-Contact', '*;video'],
    ['Request-Disposition', 'proxy'],
    ['Content-Encoding', 'gzip'],
    ['Identity', 'abc.def.ghi'],
    ['Identity-Info', '<https://cert.example.com/cert>;alg=rsa-sha1'],
    ['Content-Type', 'text/plain'],
    ['Content-Length', '2'],
  ], 'hi', { viaCount: 1, validation: null }),
});

// Escaped quotes and backslashes in display names, UTF-8 display names, commas inside quotes.
valid.push({
  name: 'escaped-quotes',
  wire: lines(CRLF,
    'MESSAGE sip:bob@biloxi.example.com SIP/2.0',
    'Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKesc1',
    'Max-Forwards: 70',
    'From: "Alice \\"The Boss\\" O\'Neil, Jr. \\\\ CEO" <sip:alice@atlanta.example.com>;tag=a1',
    'To: "Bøb 名前 😀" <sip:bob@biloxi.example.com>',
    'Call-ID: esc1@192.0.2.1',
    'CSeq: 5 MESSAGE',
    'Contact: "a, b" <sip:alice@192.0.2.1>;q=0.5, "c \\", d" <sip:alice@192.0.2.2>;q=0.2',
    'Content-Length: 0',
    '', ''),
  expected: req('MESSAGE', 'sip:bob@biloxi.example.com', [
    ['Via', 'SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKesc1'],
    ['Max-Forwards', '70'],
    ['From', '"Alice \\"The Boss\\" O\'Neil, Jr. \\\\ CEO" <sip:alice@atlanta.example.com>;tag=a1'],
    ['To', '"Bøb 名前 😀" <sip:bob@biloxi.example.com>'],
    ['Call-ID', 'esc1@192.0.2.1'],
    ['CSeq', '5 MESSAGE'],
    ['Contact', '"a, b" <sip:alice@192.0.2.1>;q=0.5, "c \\", d" <sip:alice@192.0.2.2>;q=0.2'],
    ['Content-Length', '0'],
  ], '', { viaCount: 1, validation: null }),
});

// IPv6 references in the Request-URI, Via, received and Contact (RFC 5118).
valid.push({
  name: 'ipv6',
  wire: lines(CRLF,
    'REGISTER sip:[2001:db8::10]:5070;transport=tcp SIP/2.0',
    'Via: SIP/2.0/TCP [2001:db8::9:1]:5060;branch=z9hG4bKas3-111;received=2001:db8::9:255;rport',
    'Max-Forwards: 70',
    'From: <sip:user@[2001:db8::10]>;tag=81x2',
    'To: <sip:user@[2001:db8::10]>',
    'Call-ID: SSG9559905523997077@hlau_4100',
    'CSeq: 1 REGISTER',
    'Contact: "Caller" <sip:caller@[2001:db8::9:1]:5060;transport=tcp>;expires=3600',
    'Content-Length: 0',
    '', ''),
  expected: req('REGISTER', 'sip:[2001:db8::10]:5070;transport=tcp', [
    ['Via', 'SIP/2.0/TCP [2001:db8::9:1]:5060;branch=z9hG4bKas3-111;received=2001:db8::9:255;rport'],
    ['Max-Forwards', '70'],
    ['From', '<sip:user@[2001:db8::10]>;tag=81x2'],
    ['To', '<sip:user@[2001:db8::10]>'],
    ['Call-ID', 'SSG9559905523997077@hlau_4100'],
    ['CSeq', '1 REGISTER'],
    ['Contact', '"Caller" <sip:caller@[2001:db8::9:1]:5060;transport=tcp>;expires=3600'],
    ['Content-Length', '0'],
  ], '', { viaCount: 1, validation: null }),
});

// Unknown method and unknown headers, preserved in order (RFC 4475 §3.1.1.5 spirit).
valid.push({
  name: 'unknown-method',
  wire: lines(CRLF,
    'NEWMETHOD sip:user@example.com SIP/2.0',
    'X-First: 1',
    'Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKkdjuw',
    'Max-Forwards: 70',
    'From: <sip:caller@example.com>;tag=34525',
    'To: <sip:user@example.com>',
    'Call-ID: newmeth.one@example.com',
    'CSeq: 8 NEWMETHOD',
    'P-Strange-Header: a=b; c, d; "e"',
    'x-lowercase-unknown:value',
    'Content-Type: application/octet-stream',
    'Content-Length: 4',
    '',
    'DATA'),
  expected: req('NEWMETHOD', 'sip:user@example.com', [
    ['X-First', '1'],
    ['Via', 'SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKkdjuw'],
    ['Max-Forwards', '70'],
    ['From', '<sip:caller@example.com>;tag=34525'],
    ['To', '<sip:user@example.com>'],
    ['Call-ID', 'newmeth.one@example.com'],
    ['CSeq', '8 NEWMETHOD'],
    ['P-Strange-Header', 'a=b; c, d; "e"'],
    ['x-lowercase-unknown', 'value'],
    ['Content-Type', 'application/octet-stream'],
    ['Content-Length', '4'],
  ], 'DATA', { viaCount: 1, validation: null }),
});

// A response with several Vias on one line and across lines.
valid.push({
  name: 'multi-via-response',
  wire: lines(CRLF,
    'SIP/2.0 180 Ringing',
    'Via: SIP/2.0/UDP proxy2.example.com;branch=z9hG4bK2, SIP/2.0/UDP proxy1.example.com;branch=z9hG4bK1',
    'Via: SIP/2.0/TCP client.example.com:5060;branch=z9hG4bK0;received=192.0.2.1',
    'v: SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bKws,',
    ' SIP/2.0/WSS [2001:db8::1];branch=z9hG4bKwss',
    'To: Bob <sip:bob@biloxi.com>;tag=a6c85cf',
    'From: Alice <sip:alice@atlanta.com>;tag=1928301774',
    'Call-ID: a84b4c76e66710',
    'CSeq: 314159 INVITE',
    'Contact: <sip:bob@192.0.2.4>',
    'Content-Length: 0',
    '', ''),
  expected: res(180, 'Ringing', [
    ['Via', 'SIP/2.0/UDP proxy2.example.com;branch=z9hG4bK2, SIP/2.0/UDP proxy1.example.com;branch=z9hG4bK1'],
    ['Via', 'SIP/2.0/TCP client.example.com:5060;branch=z9hG4bK0;received=192.0.2.1'],
    ['Via', 'SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bKws, SIP/2.0/WSS [2001:db8::1];branch=z9hG4bKwss'],
    ['To', 'Bob <sip:bob@biloxi.com>;tag=a6c85cf'],
    ['From', 'Alice <sip:alice@atlanta.com>;tag=1928301774'],
    ['Call-ID', 'a84b4c76e66710'],
    ['CSeq', '314159 INVITE'],
    ['Contact', '<sip:bob@192.0.2.4>'],
    ['Content-Length', '0'],
  ], '', { viaCount: 5, validation: null }),
});

// Multi-byte UTF-8 body framed by a byte count; bytes after it are ignored (datagram).
{
  const body = 'Grüße aus Köln — 你好，世界 🎉\r\nZweite Zeile\r\n';
  valid.push({
    name: 'utf8-body',
    wire: lines(CRLF,
      'MESSAGE sip:bob@biloxi.example.com SIP/2.0',
      'Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKutf8',
      'Max-Forwards: 70',
      'From: <sip:alice@atlanta.example.com>;tag=u1',
      'To: <sip:bob@biloxi.example.com>',
      'Call-ID: utf8@192.0.2.1',
      'CSeq: 1 MESSAGE',
      'Content-Type: text/plain;charset=UTF-8',
      `Content-Length: ${bytes(body)}`,
      '',
      body + 'IGNORED-TRAILING-BYTES'),
    expected: req('MESSAGE', 'sip:bob@biloxi.example.com', [
      ['Via', 'SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKutf8'],
      ['Max-Forwards', '70'],
      ['From', '<sip:alice@atlanta.example.com>;tag=u1'],
      ['To', '<sip:bob@biloxi.example.com>'],
      ['Call-ID', 'utf8@192.0.2.1'],
      ['CSeq', '1 MESSAGE'],
      ['Content-Type', 'text/plain;charset=UTF-8'],
      ['Content-Length', String(bytes(body))],
    ], body, { viaCount: 1, validation: null }),
  });
}

// Tabs and spaces around colons and separators, trailing whitespace, leading CRLFs.
valid.push({
  name: 'weird-whitespace',
  wire: '\r\n\r\n' + lines(CRLF,
    'OPTIONS sip:user@example.com SIP/2.0',
    'Via\t:\tSIP / 2.0 / UDP\t192.0.2.1 : 5060 ;branch = z9hG4bKws1   ',
    'Max-Forwards :70',
    'From:<sip:caller@example.com>;tag=ws',
    'To:\t\t<sip:user@example.com>\t',
    'Call-ID:ws.1@example.com',
    'CSeq:   1    OPTIONS   ',
    'Accept: application/sdp ,  text/plain',
    'Content-Length:0',
    '', ''),
  expected: req('OPTIONS', 'sip:user@example.com', [
    ['Via', 'SIP / 2.0 / UDP\t192.0.2.1 : 5060 ;branch = z9hG4bKws1'],
    ['Max-Forwards', '70'],
    ['From', '<sip:caller@example.com>;tag=ws'],
    ['To', '<sip:user@example.com>'],
    ['Call-ID', 'ws.1@example.com'],
    ['CSeq', '1    OPTIONS'],
    ['Accept', 'application/sdp ,  text/plain'],
    ['Content-Length', '0'],
  ], '', { viaCount: 1, validation: null }),
});

// Escaped characters in the Request-URI user part (RFC 4475 §3.1.1.3 esc01 spirit), tel-subscriber with ';' in <>.
valid.push({
  name: 'escaped-uri',
  wire: lines(CRLF,
    'INVITE sip:sips%3Auser%40example.com@example.net SIP/2.0',
    'Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKesc',
    'Max-Forwards: 70',
    'To: <sip:+1-972-555-2222;phone-context=example.com@gw.example.net;user=phone>',
    'From: <sip:%61lice@example.org>;tag=938',
    'Call-ID: esc02.asdfnqwo34rq23i34jrjasdcnl23nrlknsdf',
    'CSeq: 14 INVITE',
    'Contact: <sip:caller@[2001:db8::2]>',
    'Content-Length: 0',
    '', ''),
  expected: req('INVITE', 'sip:sips%3Auser%40example.com@example.net', [
    ['Via', 'SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKesc'],
    ['Max-Forwards', '70'],
    ['To', '<sip:+1-972-555-2222;phone-context=example.com@gw.example.net;user=phone>'],
    ['From', '<sip:%61lice@example.org>;tag=938'],
    ['Call-ID', 'esc02.asdfnqwo34rq23i34jrjasdcnl23nrlknsdf'],
    ['CSeq', '14 INVITE'],
    ['Contact', '<sip:caller@[2001:db8::2]>'],
    ['Content-Length', '0'],
  ], '', { viaCount: 1, validation: null }),
});

// No Content-Length on a datagram: the body runs to the end (RFC 3261 §18.3); mixed CRLF / LF line ends.
valid.push({
  name: 'no-content-length-mixed-eol',
  wire: 'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKnocl\nTo: <sip:b@x>;tag=2\r\nFrom: <sip:a@x>;tag=1\nCall-ID: nocl\r\nCSeq: 2 OPTIONS\n\r\nbody line 1\r\nbody line 2\n',
  expected: res(200, 'OK', [
    ['Via', 'SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKnocl'],
    ['To', '<sip:b@x>;tag=2'],
    ['From', '<sip:a@x>;tag=1'],
    ['Call-ID', 'nocl'],
    ['CSeq', '2 OPTIONS'],
  ], 'body line 1\r\nbody line 2\n', { viaCount: 1, validation: null }),
});

// 100 Trying without To tag, reason with extra words; addr-spec From/To whose ';params' belong to the header.
valid.push({
  name: 'addr-spec-response',
  wire: lines(CRLF,
    'SIP/2.0 100 Trying -- your call is important to us',
    'Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKas',
    'To: sip:bob@biloxi.example.com',
    'From: sip:alice@atlanta.example.com;tag=88sja8x',
    'Call-ID: 987asjd97y7atg',
    'CSeq: 986759 INVITE',
    'Timestamp: 54',
    'Content-Length: 0',
    '', ''),
  expected: res(100, 'Trying -- your call is important to us', [
    ['Via', 'SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKas'],
    ['To', 'sip:bob@biloxi.example.com'],
    ['From', 'sip:alice@atlanta.example.com;tag=88sja8x'],
    ['Call-ID', '987asjd97y7atg'],
    ['CSeq', '986759 INVITE'],
    ['Timestamp', '54'],
    ['Content-Length', '0'],
  ], '', { viaCount: 1, validation: null }),
});

// Authorization with commas inside quoted values must stay one header; Route list; 401 challenge fields.
valid.push({
  name: 'register-with-credentials',
  wire: lines(CRLF,
    'REGISTER sip:pbx.example.com SIP/2.0',
    'Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKregws;rport',
    'Max-Forwards: 70',
    'Route: <sip:edge1.example.com;lr>,<sip:edge2.example.com;lr;transport=tcp>',
    'To: "1001" <sip:1001@pbx.example.com>',
    'From: "1001" <sip:1001@pbx.example.com>;tag=reg1',
    'Call-ID: reg.ws.1',
    'CSeq: 2 REGISTER',
    'Authorization: Digest username="1001", realm="pbx.example.com", nonce="abc,def", uri="sip:pbx.example.com", response="0123456789abcdef0123456789abcdef", algorithm=MD5, cnonce="x,y", qop=auth, nc=00000001',
    'Contact: <sip:h7kjh12s@df7jal23ls0d.invalid;transport=ws>;+sip.ice;reg-id=1;+sip.instance="<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>";expires=600',
    'Expires: 600',
    'Content-Length: 0',
    '', ''),
  expected: req('REGISTER', 'sip:pbx.example.com', [
    ['Via', 'SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKregws;rport'],
    ['Max-Forwards', '70'],
    ['Route', '<sip:edge1.example.com;lr>,<sip:edge2.example.com;lr;transport=tcp>'],
    ['To', '"1001" <sip:1001@pbx.example.com>'],
    ['From', '"1001" <sip:1001@pbx.example.com>;tag=reg1'],
    ['Call-ID', 'reg.ws.1'],
    ['CSeq', '2 REGISTER'],
    ['Authorization', 'Digest username="1001", realm="pbx.example.com", nonce="abc,def", uri="sip:pbx.example.com", response="0123456789abcdef0123456789abcdef", algorithm=MD5, cnonce="x,y", qop=auth, nc=00000001'],
    ['Contact', '<sip:h7kjh12s@df7jal23ls0d.invalid;transport=ws>;+sip.ice;reg-id=1;+sip.instance="<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>";expires=600'],
    ['Expires', '600'],
    ['Content-Length', '0'],
  ], '', { viaCount: 1, validation: null }),
});

// ---------------------------------------------------------------- malformed

const okHeaders = (method: string, extra: string[] = [], omit: string[] = []): string[] =>
  [
    'Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKbad',
    'Max-Forwards: 70',
    'From: <sip:a@example.com>;tag=1',
    'To: <sip:b@example.com>',
    'Call-ID: bad@192.0.2.1',
    `CSeq: 1 ${method}`,
    ...extra,
  ].filter((h) => !omit.some((o) => h.startsWith(o + ':')));

malformed.push(
  { name: 'bad-start-line', wire: lines(CRLF, 'INVITE sip:b@example.com SIP/2.0 extra', ...okHeaders('INVITE'), '', ''), error: 'Malformed start line' },
  { name: 'bad-start-line-lws-in-uri', wire: lines(CRLF, 'INVITE sip:b@example.com; lr SIP/2.0', ...okHeaders('INVITE'), '', ''), error: 'Malformed start line' },
  { name: 'bad-version', wire: lines(CRLF, 'INVITE sip:b@example.com SIP/7.0', ...okHeaders('INVITE'), '', ''), error: 'Unsupported SIP version' },
  { name: 'bad-status-code', wire: lines(CRLF, 'SIP/2.0 1000 Huge', ...okHeaders('INVITE'), '', ''), error: 'Malformed start line' },
  { name: 'status-out-of-range', wire: lines(CRLF, 'SIP/2.0 099 Low', ...okHeaders('INVITE'), '', ''), error: 'Invalid status code' },
  { name: 'header-without-colon', wire: lines(CRLF, 'OPTIONS sip:b@example.com SIP/2.0', ...okHeaders('OPTIONS'), 'This line has no colon', 'Content-Length: 0', '', ''), error: 'missing colon' },
  { name: 'header-name-with-space', wire: lines(CRLF, 'OPTIONS sip:b@example.com SIP/2.0', ...okHeaders('OPTIONS'), 'Bad Name: x', '', ''), error: 'Malformed header name' },
  { name: 'content-length-larger-than-body', wire: lines(CRLF, 'MESSAGE sip:b@example.com SIP/2.0', ...okHeaders('MESSAGE'), 'Content-Length: 5000', '', 'short body'), error: 'Content-Length exceeds body' },
  { name: 'negative-content-length', wire: lines(CRLF, 'MESSAGE sip:b@example.com SIP/2.0', ...okHeaders('MESSAGE'), 'Content-Length: -3', '', 'abc'), error: 'Malformed Content-Length' },
  { name: 'non-numeric-content-length', wire: lines(CRLF, 'MESSAGE sip:b@example.com SIP/2.0', ...okHeaders('MESSAGE'), 'l: three', '', 'abc'), error: 'Malformed Content-Length' },
  { name: 'bad-via', wire: lines(CRLF, 'OPTIONS sip:b@example.com SIP/2.0', 'Via: SIP/2.0/UDP', ...okHeaders('OPTIONS', [], ['Via']), 'Content-Length: 0', '', ''), error: 'Malformed Via header' },
  { name: 'bad-via-unbracketed-ipv6', wire: lines(CRLF, 'OPTIONS sip:b@example.com SIP/2.0', 'Via: SIP/2.0/UDP 2001:db8::1;branch=z9hG4bK1', ...okHeaders('OPTIONS', [], ['Via']), 'Content-Length: 0', '', ''), error: 'Malformed Via header' },
  { name: 'bad-second-via', wire: lines(CRLF, 'OPTIONS sip:b@example.com SIP/2.0', 'Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1, SIP/2.0 UDP oops', ...okHeaders('OPTIONS', [], ['Via']), 'Content-Length: 0', '', ''), error: 'Malformed Via header' },
  { name: 'bad-cseq', wire: lines(CRLF, 'OPTIONS sip:b@example.com SIP/2.0', ...okHeaders('OPTIONS', [], ['CSeq']), 'CSeq: OPTIONS 1', 'Content-Length: 0', '', ''), error: 'Malformed CSeq header' },
  { name: 'cseq-too-large', wire: lines(CRLF, 'OPTIONS sip:b@example.com SIP/2.0', ...okHeaders('OPTIONS', [], ['CSeq']), 'CSeq: 36893488147419103232 OPTIONS', 'Content-Length: 0', '', ''), error: 'Malformed CSeq header' },
  { name: 'cseq-method-mismatch', wire: lines(CRLF, 'INVITE sip:b@example.com SIP/2.0', ...okHeaders('INVITE', [], ['CSeq']), 'CSeq: 1 ACK', 'Content-Length: 0', '', ''), error: 'CSeq method does not match' },
  { name: 'missing-call-id', wire: lines(CRLF, 'OPTIONS sip:b@example.com SIP/2.0', ...okHeaders('OPTIONS', [], ['Call-ID']), 'Content-Length: 0', '', ''), error: 'Missing Call-ID header' },
  { name: 'missing-via', wire: lines(CRLF, 'OPTIONS sip:b@example.com SIP/2.0', ...okHeaders('OPTIONS', [], ['Via']), 'Content-Length: 0', '', ''), error: 'Missing Via header' },
  { name: 'unterminated-quote-in-from', wire: lines(CRLF, 'OPTIONS sip:b@example.com SIP/2.0', ...okHeaders('OPTIONS', [], ['From']), 'From: "Alice <sip:a@example.com>;tag=1', 'Content-Length: 0', '', ''), error: 'Malformed From header' },
  { name: 'bad-max-forwards', wire: lines(CRLF, 'OPTIONS sip:b@example.com SIP/2.0', ...okHeaders('OPTIONS', [], ['Max-Forwards']), 'Max-Forwards: 300', 'Content-Length: 0', '', ''), error: 'Malformed Max-Forwards header' },
  { name: 'bad-request-uri', wire: lines(CRLF, 'OPTIONS sip:b@exa<mple.com SIP/2.0', ...okHeaders('OPTIONS'), 'Content-Length: 0', '', ''), error: 'Malformed Request-URI' },
  { name: 'absurdly-long-line', wire: lines(CRLF, 'OPTIONS sip:b@example.com SIP/2.0', ...okHeaders('OPTIONS'), 'Subject: ' + 'A'.repeat(10_000), 'Content-Length: 0', '', ''), error: 'Line too long' },
  { name: 'too-many-headers', wire: lines(CRLF, 'OPTIONS sip:b@example.com SIP/2.0', ...okHeaders('OPTIONS'), ...Array.from({ length: 250 }, (_, i) => `X-Filler-${i}: ${i}`), 'Content-Length: 0', '', ''), error: 'Too many headers' },
  { name: 'control-character-in-header', wire: lines(CRLF, 'OPTIONS sip:b@example.com SIP/2.0', ...okHeaders('OPTIONS'), 'Subject: bell\u0007here', 'Content-Length: 0', '', ''), error: 'Invalid character in header' },
  { name: 'fold-before-first-header', wire: lines(CRLF, 'OPTIONS sip:b@example.com SIP/2.0', ' folded', ...okHeaders('OPTIONS'), '', ''), error: 'Malformed header folding' },
  { name: 'binary-garbage', wire: deterministicGarbage(512), error: 'Malformed start line' },
  { name: 'too-large', wire: lines(CRLF, 'MESSAGE sip:b@example.com SIP/2.0', ...okHeaders('MESSAGE'), 'Content-Length: 70000', '', 'x'.repeat(70_000)), error: 'Message too large' },
);

/** Pseudo-random bytes (LCG, fixed seed) with a few NULs and line ends, reproducible across runs. */
function deterministicGarbage(n: number): Buffer {
  const out = Buffer.alloc(n);
  let x = 0x2545f491;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = (x >>> 16) & 0xff;
  }
  out[0] = 0xfe;
  out[1] = 0x00;
  out[200] = 0x0d;
  out[201] = 0x0a;
  return out;
}

for (const dir of ['valid', 'malformed']) mkdirSync(join(here, dir), { recursive: true });
for (const v of valid) {
  writeFileSync(join(here, 'valid', `${v.name}.sip`), v.wire);
  writeFileSync(join(here, 'valid', `${v.name}.json`), JSON.stringify(v.expected, null, 2) + '\n');
}
for (const m of malformed) {
  writeFileSync(join(here, 'malformed', `${m.name}.sip`), m.wire);
  writeFileSync(join(here, 'malformed', `${m.name}.txt`), m.error + '\n');
}
console.log(`wrote ${valid.length} valid and ${malformed.length} malformed corpus files`);
