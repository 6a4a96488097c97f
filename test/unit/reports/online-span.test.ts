import { describe, expect, it } from 'vitest';
import { nextOnlineSpan } from '../../../functions/src/reports/online-span.js';

const T = Date.parse('2026-12-03T09:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const min = 60_000;

/** The online interval the bindings item carries (issue 14: a refresh is one write). */
describe('online span of a bindings item', () => {
  it('a first registration starts an interval that ends with the binding', () => {
    expect(nextOnlineSpan(undefined, [{ expiresAt: T + 60 * min }], T)).toEqual({ span: { from: iso(T), until: iso(T + 60 * min) }, started: true });
  });

  it('a refresh keeps the start and moves the end; the last binding of several decides', () => {
    const previous = { from: iso(T), until: iso(T + 60 * min) };
    expect(nextOnlineSpan(previous, [{ expiresAt: T + 70 * min }, { expiresAt: T + 90 * min }], T + 30 * min)).toEqual({
      span: { from: iso(T), until: iso(T + 90 * min) },
      started: false,
    });
  });

  it('unregistering the last binding ends the interval now', () => {
    expect(nextOnlineSpan({ from: iso(T), until: iso(T + 60 * min) }, [], T + 10 * min)).toEqual({ span: { from: iso(T), until: iso(T + 10 * min) }, started: false });
  });

  it('coming back after the interval expired archives it and starts a new one', () => {
    const previous = { from: iso(T), until: iso(T + 60 * min) };
    expect(nextOnlineSpan(previous, [{ expiresAt: T + 180 * min }], T + 120 * min)).toEqual({
      span: { from: iso(T + 120 * min), until: iso(T + 180 * min) },
      archive: previous,
      started: true,
    });
  });

  it('removing nothing while offline changes nothing (never online: no interval at all)', () => {
    const previous = { from: iso(T), until: iso(T + 60 * min) };
    expect(nextOnlineSpan(previous, [], T + 120 * min)).toEqual({ span: previous, started: false });
    expect(nextOnlineSpan(undefined, [], T)).toEqual({ started: false });
  });
});
