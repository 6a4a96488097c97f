import { describe, expect, it } from 'vitest';
import { formatCSeq, parseCSeq } from '../../../sip/index.js';

describe('parseCSeq', () => {
  it.each([
    ['314159 INVITE', { seq: 314159, method: 'INVITE' }],
    ['  1   REGISTER  ', { seq: 1, method: 'REGISTER' }],
    ['0 ACK', { seq: 0, method: 'ACK' }],
    ['2147483647 NEWMETHOD', { seq: 2147483647, method: 'NEWMETHOD' }],
    ['8\tOPTIONS', { seq: 8, method: 'OPTIONS' }],
  ])('parses %j', (value, expected) => {
    expect(parseCSeq(value)).toEqual(expected);
  });

  it.each(['', 'INVITE', '1', '-1 INVITE', '2147483648 INVITE', '99999999999 INVITE', '1.5 INVITE', '1 INV ITE', 'abc INVITE', '1 INV"ITE'])(
    'rejects %j',
    (value) => {
      expect(parseCSeq(value)).toBeUndefined();
    },
  );

  it('formats seq and method', () => {
    expect(formatCSeq({ seq: 7, method: 'BYE' })).toBe('7 BYE');
  });
});
