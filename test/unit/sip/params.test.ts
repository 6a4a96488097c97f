import { describe, expect, it } from 'vitest';
import { formatParams, parseParams, quote, tryParseParams, unquote } from '../../../sip/index.js';

describe('parseParams', () => {
  it.each<[string, Record<string, string | null>]>([
    [';a=b;c;d="q s"', { a: 'b', c: null, d: 'q s' }],
    ['a=b', { a: 'b' }],
    [' ; Tag = abc ; LR ', { tag: 'abc', lr: null }],
    [';d="with \\"escaped\\" quote"', { d: 'with "escaped" quote' }],
    [';d="semi;colon";e=1', { d: 'semi;colon', e: '1' }],
    [';received=2001:db8::1;rport', { received: '2001:db8::1', rport: null }],
    [';received=[2001:db8::1]', { received: '[2001:db8::1]' }],
    ['', {}],
    [';;a;;', { a: null }],
    [';a=1;A=2', { a: '1' }],
    [';value=CaseKept', { value: 'CaseKept' }],
  ])('parses %j', (text, expected) => {
    expect(parseParams(text)).toEqual(expected);
  });

  it('never lets a parameter reach the object prototype', () => {
    const p = parseParams(';__proto__=x;constructor=y');
    expect(Object.getPrototypeOf(p)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(p, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(p, 'constructor')?.value).toBe('y');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('is lenient where tryParseParams is strict', () => {
    expect(tryParseParams(';a="open')).toBeUndefined();
    expect(tryParseParams(';a b=c')).toBeUndefined();
    expect(tryParseParams(';a=b c')).toBeUndefined();
    expect(parseParams(';a="open')).toEqual({ a: '"open' });
  });
});

describe('formatParams', () => {
  it.each<[Record<string, string | null>, string]>([
    [{ a: 'b', c: null }, ';a=b;c'],
    [{ d: 'q s' }, ';d="q s"'],
    [{ d: 'say "hi"' }, ';d="say \\"hi\\""'],
    [{ received: '2001:db8::1' }, ';received=2001:db8::1'],
    [{ e: '' }, ';e=""'],
    [{}, ''],
  ])('formats %j as %s', (params, text) => {
    expect(formatParams(params)).toBe(text);
  });

  it('round-trips through parseParams', () => {
    const p = { a: 'x y', b: null, c: 'q"uo\\te', d: 'tok' };
    expect(parseParams(formatParams(p))).toEqual(p);
  });
});

describe('quote / unquote', () => {
  it.each([
    ['plain', '"plain"'],
    ['a"b', '"a\\"b"'],
    ['back\\slash', '"back\\\\slash"'],
  ])('quote(%s) = %s and unquote reverses it', (raw, quoted) => {
    expect(quote(raw)).toBe(quoted);
    expect(unquote(quoted)).toBe(raw);
  });

  it('unquote leaves unquoted text trimmed', () => {
    expect(unquote('  token ')).toBe('token');
  });
});
