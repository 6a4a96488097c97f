import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DIAL_PLAN,
  resolveDialPlanWithTrunks,
  resolveTrunkRoutes,
  type DialOutcomeWithTrunks,
  type TrunkChoice,
  type TrunkRouteSource,
} from '../../../functions/src/calls/dial-plan.js';

const route = (prefix: string, strip = 0, prepend = '') => ({ prefix, strip, prepend });

/** Seed order matters between equally long prefixes. */
const TRUNKS: TrunkRouteSource[] = [
  { id: 'carrier1', routes: [route('9', 1)] },
  { id: 'line2', routes: [route('8', 1), route('900', 3, '+49')] },
  { id: 'backup', routes: [route('9', 1, '0')] },
  { id: 'intl', routes: [route('00', 2, '+')] },
  { id: 'nothing', routes: [] },
];

const EXTENSIONS = new Set(['1001', '9001']);
const facts = { isExtension: (n: string) => EXTENSIONS.has(n) };

describe('dial plan: trunk prefix routes', () => {
  it.each<[string, TrunkChoice[]]>([
    // Longest prefix first, then seed order for equally long ones; each trunk once, with its longest route.
    ['9001234', [
      { trunkId: 'line2', prefix: '900', number: '+491234' },
      { trunkId: 'carrier1', prefix: '9', number: '001234' },
      { trunkId: 'backup', prefix: '9', number: '0001234' },
    ]],
    ['95551234', [
      { trunkId: 'carrier1', prefix: '9', number: '5551234' },
      { trunkId: 'backup', prefix: '9', number: '05551234' },
    ]],
    ['85551234', [{ trunkId: 'line2', prefix: '8', number: '5551234' }]],
    ['0044201234', [{ trunkId: 'intl', prefix: '00', number: '+44201234' }]],
    ['75551234', []],
    // Stripping everything leaves no number to dial.
    ['8', []],
    ['9 555', []],
  ])('routes %j through %j', (number, expected) => {
    expect(resolveTrunkRoutes(TRUNKS, number)).toEqual(expected);
  });

  it.each<[string, DialOutcomeWithTrunks]>([
    ['1001', { kind: 'extension', ext: '1001', rule: 'extension' }],
    // An exact extension wins over the trunk prefix "9".
    ['9001', { kind: 'extension', ext: '9001', rule: 'extension' }],
    ['9002', { kind: 'trunk', trunks: [
      { trunkId: 'line2', prefix: '900', number: '+492' },
      { trunkId: 'carrier1', prefix: '9', number: '002' },
      { trunkId: 'backup', prefix: '9', number: '0002' },
    ] }],
    ['1003', { kind: 'no-route' }],
  ])('resolves %j with extensions first, then trunks: %j', (number, expected) => {
    expect(resolveDialPlanWithTrunks(DEFAULT_DIAL_PLAN, number, facts, TRUNKS)).toEqual(expected);
  });

  it('has no route without trunks when the number is no extension', () => {
    expect(resolveDialPlanWithTrunks(DEFAULT_DIAL_PLAN, '95551234', facts, [])).toEqual({ kind: 'no-route' });
  });
});
