/**
 * CSeq header field (RFC 3261 §20.16): CSeq = 1*DIGIT LWS Method.
 * The sequence number must fit in 32 bits and be below 2**31 (RFC 3261 §8.1.1.5).
 */
import { isToken } from './grammar.js';

export interface CSeq {
  seq: number;
  method: string;
}

export const MAX_CSEQ = 2 ** 31 - 1;

export function parseCSeq(value: string): CSeq | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^\s*(\d+)\s+(\S+)\s*$/.exec(value);
  if (!m) return undefined;
  const seq = Number(m[1]);
  if (seq > MAX_CSEQ || !isToken(m[2])) return undefined;
  return { seq, method: m[2] };
}

export function formatCSeq(c: CSeq): string {
  return `${c.seq} ${c.method}`;
}
