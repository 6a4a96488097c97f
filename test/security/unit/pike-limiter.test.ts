import { describe, expect, it } from 'vitest';
import { PikeLimiter } from '../../../edge/src/security/pike-limiter.js';

describe('PikeLimiter (flood control per address, after Kamailio pike)', () => {
  const settings = { requests: 5, windowMs: 1000, blockMs: 3000 };

  it('lets the density through, throttles the excess, and reports the start of throttling once', () => {
    const pike = new PikeLimiter(settings);
    const verdicts = Array.from({ length: 8 }, (_, i) => pike.check('192.0.2.1', i));
    expect(verdicts).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'throttled', 'dropped', 'dropped']);
    expect(pike.check('192.0.2.2', 10)).toBe('ok'); // other addresses are not affected
  });

  it('keeps a flooding address throttled while it floods, and lets it back blockMs after the last excess', () => {
    const pike = new PikeLimiter(settings);
    for (let i = 0; i < 6; i++) pike.check('a', 0); // throttled at t=0 until 3000
    for (let i = 0; i < 6; i++) pike.check('a', 2500); // flooding again at 2500: until 5500
    expect(pike.check('a', 5000)).toBe('dropped');
    expect(pike.check('a', 5600)).toBe('ok');
  });

  it('is off with requests = 0', () => {
    const pike = new PikeLimiter({ ...settings, requests: 0 });
    for (let i = 0; i < 1000; i++) expect(pike.check('a', 0)).toBe('ok');
  });

  it('bounds its memory: a spoofed-source flood cannot grow the table past maxTracked', () => {
    const pike = new PikeLimiter({ ...settings, maxTracked: 100 });
    for (let i = 0; i < 10_000; i++) pike.check(`10.0.${i >> 8}.${i & 255}`, i);
    expect(pike.tracked).toBeLessThanOrEqual(100);
    pike.prune(1_000_000);
    expect(pike.tracked).toBe(0);
  });
});
