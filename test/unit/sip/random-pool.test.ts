/**
 * Tags, branches and nonces come from a pooled CSPRNG buffer
 * (sip/random-pool.ts): every value is fresh — no byte handed out twice,
 * across the pool's refills too — and a fill writes only where it is told.
 */
import { describe, expect, it } from 'vitest';
import { fillRandom, randomHex } from '../../../sip/random-pool.js';
import { newBranch, newTag } from '../../../sip/response.js';

describe('random pool', () => {
  it('never hands out the same bytes twice, across many refills of the pool', () => {
    // 20,000 × 8 bytes is ~40 refills of the 4 kB pool; a repeat of 64 random bits would be a bug, not chance.
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) seen.add(randomHex(8));
    expect(seen.size).toBe(20_000);
    // Sizes that do not divide the pool evenly land across the refill boundary.
    const odd = new Set<string>();
    for (let i = 0; i < 2_000; i++) odd.add(randomHex(13));
    expect(odd.size).toBe(2_000);
  });

  it('gives hex of the asked length, and tags and branches that RFC 3261 accepts', () => {
    expect(randomHex(16)).toMatch(/^[0-9a-f]{32}$/);
    expect(newTag()).toMatch(/^[0-9a-f]{16}$/);
    // RFC 3261 §8.1.1.7: the branch starts with the magic cookie.
    expect(newBranch()).toMatch(/^z9hG4bK[0-9a-f]{24}$/);
    expect(new Set(Array.from({ length: 1000 }, newBranch)).size).toBe(1000);
  });

  it('fills only the range it is given', () => {
    const target = Buffer.alloc(32, 0xaa);
    fillRandom(target, 8, 12);
    expect(target.subarray(0, 8).every((b) => b === 0xaa)).toBe(true);
    expect(target.subarray(20).every((b) => b === 0xaa)).toBe(true);
    const a = Buffer.alloc(12);
    const b = Buffer.alloc(12);
    fillRandom(a, 0, 12);
    fillRandom(b, 0, 12);
    expect(a.equals(b)).toBe(false);
  });

  it('refuses more than the pool holds rather than repeating bytes', () => {
    expect(() => randomHex(5000)).toThrow(RangeError);
  });
});
