import { describe, expect, it } from 'vitest';
import {
  candidateExtensions,
  DEFAULT_DIAL_PLAN,
  resolveDialPlan,
  type DialOutcome,
  type DialPlan,
} from '../../../functions/src/calls/dial-plan.js';

const EXTENSIONS = new Set(['1001', '1002', 'alice', '555']);
const facts = { isExtension: (n: string) => EXTENSIONS.has(n) };

describe('dial plan: the default plan (extensions of the caller tenant)', () => {
  it.each<[string, DialOutcome]>([
    ['1001', { kind: 'extension', ext: '1001', rule: 'extension' }],
    ['alice', { kind: 'extension', ext: 'alice', rule: 'extension' }],
    ['1003', { kind: 'no-route' }],
    ['', { kind: 'no-route' }],
    ['10 01', { kind: 'no-route' }],
    ['1001@x', { kind: 'no-route' }],
    ['x'.repeat(65), { kind: 'no-route' }],
  ])('routes %j to %j', (number, expected) => {
    expect(resolveDialPlan(DEFAULT_DIAL_PLAN, number, facts)).toEqual(expected);
  });

  it('asks only about the dialled number itself', () => {
    expect(candidateExtensions(DEFAULT_DIAL_PLAN, '1002')).toEqual(['1002']);
    expect(candidateExtensions(DEFAULT_DIAL_PLAN, 'bad number')).toEqual([]);
  });
});

describe('dial plan: rules are read top to bottom, with prefix matches and strip/prepend', () => {
  // A feature-code style plan: "*" + extension reaches the extension; an exact extension still wins first.
  const PLAN: DialPlan = [
    { name: 'extension', match: { kind: 'any' }, action: { kind: 'extension' } },
    { name: 'star-short-dial', match: { kind: 'prefix', prefix: '*', minLength: 2, maxLength: 5 }, rewrite: { strip: 1 }, action: { kind: 'extension' } },
    { name: 'site-prefix', match: { kind: 'prefix', prefix: '9' }, rewrite: { strip: 1, prepend: '5' }, action: { kind: 'extension' } },
  ];

  it.each<[string, DialOutcome]>([
    ['1001', { kind: 'extension', ext: '1001', rule: 'extension' }],
    ['*1001', { kind: 'extension', ext: '1001', rule: 'star-short-dial' }],
    ['*12345', { kind: 'no-route' }], // longer than maxLength
    ['*', { kind: 'no-route' }], // shorter than minLength
    ['955', { kind: 'extension', ext: '555', rule: 'site-prefix' }],
    ['9', { kind: 'no-route' }],
  ])('routes %j to %j', (number, expected) => {
    expect(resolveDialPlan(PLAN, number, facts)).toEqual(expected);
  });

  it('lists every number the plan may look up, in rule order and once each', () => {
    expect(candidateExtensions(PLAN, '*1001')).toEqual(['*1001', '1001']);
    expect(candidateExtensions(PLAN, '955')).toEqual(['955', '555']);
  });

  it('falls through an extension rule whose number is no extension to the next rule', () => {
    const plan: DialPlan = [
      { name: 'as-dialled', match: { kind: 'prefix', prefix: '0' }, action: { kind: 'extension' } },
      { name: 'strip-zero', match: { kind: 'prefix', prefix: '0' }, rewrite: { strip: 1 }, action: { kind: 'extension' } },
    ];
    expect(resolveDialPlan(plan, '01002', facts)).toEqual({ kind: 'extension', ext: '1002', rule: 'strip-zero' });
  });
});
