import { describe, expect, it } from 'vitest';
import {
  applyBindingRules,
  bindingKey,
  CSEQ_OUT_OF_ORDER,
  type BindingRulesInput,
  type BindingRulesResult,
} from '../../../functions/src/registration/binding-rules.js';
import type { Binding } from '../../../functions/src/registration/binding.js';
import { parseContacts, parseNameAddr } from '../../../sip/index.js';
import { binding, EDGE, NOW, REGISTRAR_SETTINGS, UDP_SOURCE } from './fixtures.js';

const PHONE_A = 'sip:alice@198.51.100.7:5060';
const PHONE_B = 'sip:alice@203.0.113.9:5062';
const keyOf = (uri: string): string => bindingKey(parseNameAddr(`<${uri}>`)!)!;

function input(overrides: Partial<Omit<BindingRulesInput, 'contact'>> & { contacts?: string[] }): BindingRulesInput {
  const { contacts, ...rest } = overrides;
  return {
    existing: [],
    contact: parseContacts(contacts ?? [])!,
    expiresHeader: undefined,
    callId: 'call-1',
    cseq: 2,
    now: NOW,
    policy: { multiDevice: false, maxDevices: 3 },
    limits: REGISTRAR_SETTINGS,
    origin: { edge: EDGE, source: UDP_SOURCE, userAgent: 'Phone/1' },
    ...rest,
  };
}

const ok = (r: BindingRulesResult): Binding[] => {
  if (!r.ok) throw new Error(`expected ok, got ${r.status} ${r.reason}`);
  return r.bindings;
};
const contactsOf = (r: BindingRulesResult): string[] => ok(r).map((b) => b.contact).sort();

interface Case {
  name: string;
  input: BindingRulesInput;
  expect: (r: BindingRulesResult) => void;
}

const deviceN = (n: number): string => `sip:alice@192.0.2.${n}:5060`;
const threeDevices = [1, 2, 3].map((n) => binding({ key: keyOf(deviceN(n)), contact: deviceN(n), callId: `call-${n}` }));

const cases: Case[] = [
  {
    name: 'a refresh of the same contact keeps one binding with a new expiry and its first registration time',
    input: input({
      existing: [binding({ key: keyOf(PHONE_A), contact: PHONE_A, cseq: 1, registeredAt: NOW - 5000 })],
      contacts: [`<${PHONE_A}>`],
      expiresHeader: '600',
    }),
    expect: (r) => {
      const [b, ...rest] = ok(r);
      expect(rest).toEqual([]);
      expect(b).toMatchObject({ contact: PHONE_A, cseq: 2, expiresAt: NOW + 600_000, registeredAt: NOW - 5000, userAgent: 'Phone/1' });
    },
  },
  {
    name: 'multiDevice off: a new device replaces the existing binding',
    input: input({
      existing: [binding({ key: keyOf(PHONE_A), contact: PHONE_A, callId: 'other-call' })],
      contacts: [`<${PHONE_B}>`],
    }),
    expect: (r) => expect(contactsOf(r)).toEqual([PHONE_B]),
  },
  {
    name: 'multiDevice on: a second device is added next to the first',
    input: input({
      existing: [binding({ key: keyOf(PHONE_A), contact: PHONE_A, callId: 'other-call' })],
      contacts: [`<${PHONE_B}>`],
      policy: { multiDevice: true, maxDevices: 3 },
    }),
    expect: (r) => expect(contactsOf(r)).toEqual([PHONE_A, PHONE_B].sort()),
  },
  {
    name: 'multiDevice on: a 4th device is refused with 403 naming the limit',
    input: input({ existing: threeDevices, contacts: [`<${deviceN(4)}>`], policy: { multiDevice: true, maxDevices: 3 } }),
    expect: (r) => expect(r).toMatchObject({ ok: false, status: 403, reason: 'Too many devices (max 3)' }),
  },
  {
    name: 'multiDevice on: a refresh of one of 3 devices is accepted',
    input: input({
      existing: threeDevices,
      contacts: [`<${deviceN(2)}>`],
      callId: 'call-2',
      cseq: 5,
      policy: { multiDevice: true, maxDevices: 3 },
    }),
    expect: (r) => expect(ok(r)).toHaveLength(3),
  },
  {
    name: 'multiDevice on: a 4th device fits once an expired binding is pruned',
    input: input({
      existing: [...threeDevices.slice(0, 2), { ...threeDevices[2]!, expiresAt: NOW - 1 }],
      contacts: [`<${deviceN(4)}>`],
      policy: { multiDevice: true, maxDevices: 3 },
    }),
    expect: (r) => expect(contactsOf(r)).toEqual([deviceN(1), deviceN(2), deviceN(4)].sort()),
  },
  {
    name: 'an interval below the minimum gets 423 with Min-Expires',
    input: input({ contacts: [`<${PHONE_A}>;expires=30`] }),
    expect: (r) =>
      expect(r).toEqual({ ok: false, status: 423, reason: 'Interval Too Brief', headers: [{ name: 'Min-Expires', value: '60' }] }),
  },
  {
    name: 'an interval above the maximum is capped',
    input: input({ contacts: [`<${PHONE_A}>`], expiresHeader: '7200' }),
    expect: (r) => expect(ok(r)[0]!.expiresAt).toBe(NOW + 3_600_000),
  },
  {
    name: 'the Contact expires parameter overrides the Expires header',
    input: input({ contacts: [`<${PHONE_A}>;expires=120`], expiresHeader: '3600' }),
    expect: (r) => expect(ok(r)[0]!.expiresAt).toBe(NOW + 120_000),
  },
  {
    name: 'without any expires the default applies',
    input: input({ contacts: [`<${PHONE_A}>`], limits: { ...REGISTRAR_SETTINGS, defaultExpires: 900 } }),
    expect: (r) => expect(ok(r)[0]!.expiresAt).toBe(NOW + 900_000),
  },
  {
    name: 'Contact: * with Expires: 0 removes every binding',
    input: input({ existing: threeDevices, contacts: ['*'], expiresHeader: '0', callId: 'fresh-call' }),
    expect: (r) => expect(r).toEqual({ ok: true, bindings: [], changed: true }),
  },
  {
    name: 'Contact: * without Expires: 0 is a 400',
    input: input({ existing: threeDevices, contacts: ['*'], expiresHeader: '3600' }),
    expect: (r) => expect(r).toMatchObject({ ok: false, status: 400 }),
  },
  {
    name: 'expires=0 removes that binding only',
    input: input({
      existing: threeDevices,
      contacts: [`<${deviceN(2)}>;expires=0`],
      callId: 'call-2',
      cseq: 9,
      policy: { multiDevice: true, maxDevices: 3 },
    }),
    expect: (r) => expect(contactsOf(r)).toEqual([deviceN(1), deviceN(3)].sort()),
  },
  {
    name: 'same Call-ID with a CSeq not higher than the stored one aborts the update',
    input: input({
      existing: [binding({ key: keyOf(PHONE_A), contact: PHONE_A, callId: 'call-1', cseq: 7 })],
      contacts: [`<${PHONE_A}>`],
      callId: 'call-1',
      cseq: 7,
    }),
    expect: (r) => expect(r).toMatchObject({ ok: false, status: 400, reason: CSEQ_OUT_OF_ORDER }),
  },
  {
    name: 'a late old REGISTER of the same Call-ID cannot evict a newer binding by replacement',
    input: input({
      existing: [binding({ key: keyOf(PHONE_B), contact: PHONE_B, callId: 'call-1', cseq: 8 })],
      contacts: [`<${PHONE_A}>`],
      callId: 'call-1',
      cseq: 7,
    }),
    expect: (r) => expect(r).toMatchObject({ ok: false, status: 400, reason: CSEQ_OUT_OF_ORDER }),
  },
  {
    name: 'a query (no Contact) never returns expired bindings',
    input: input({
      existing: [
        binding({ key: keyOf(PHONE_A), contact: PHONE_A, expiresAt: NOW - 1 }),
        binding({ key: keyOf(PHONE_B), contact: PHONE_B }),
      ],
    }),
    expect: (r) => expect(r).toMatchObject({ ok: true, changed: true, bindings: [{ contact: PHONE_B }] }),
  },
  {
    name: 'a query that prunes nothing changes nothing',
    input: input({ existing: [binding({ key: keyOf(PHONE_A), contact: PHONE_A })] }),
    expect: (r) => expect(r).toMatchObject({ ok: true, changed: false, bindings: [{ contact: PHONE_A }] }),
  },
  {
    name: 'bindings on flows of an earlier boot of this edge are pruned as dead; UDP and other edges are kept',
    input: input({
      existing: [
        binding({ key: 'k-dead', contact: 'sip:dead@192.0.2.1;transport=tcp', bootId: 'boot-1', flowId: 'f1', protocol: 'tcp' }),
        binding({ key: 'k-udp-old-boot', contact: 'sip:udp@192.0.2.2', bootId: 'boot-1' }),
        binding({ key: 'k-other-edge', contact: 'sip:other@192.0.2.3;transport=tcp', edgeId: 'edge-b', bootId: 'x', flowId: 'f1' }),
        binding({ key: 'k-current', contact: 'sip:cur@192.0.2.4;transport=tcp', flowId: 'f9', protocol: 'tcp' }),
      ],
      policy: { multiDevice: true, maxDevices: 5 },
    }),
    expect: (r) => expect(ok(r).map((b) => b.key).sort()).toEqual(['k-current', 'k-other-edge', 'k-udp-old-boot']),
  },
];

describe('applyBindingRules (RFC 3261 §10.3 + device policy)', () => {
  it.each(cases)('$name', ({ input: i, expect: check }) => check(applyBindingRules(i)));
});

describe('binding identity', () => {
  it('uses +sip.instance with reg-id so a device keeps one binding when its Contact address changes', () => {
    const instance = '+sip.instance="<urn:uuid:00000000-0000-4000-8000-000000000001>";reg-id=1';
    const first = ok(applyBindingRules(input({ contacts: [`<sip:x@10.0.0.1:5060;transport=ws>;${instance}`] })));
    const second = applyBindingRules(
      input({ existing: first, contacts: [`<sip:x@10.0.0.2:6000;transport=ws>;${instance}`], cseq: 3, policy: { multiDevice: true, maxDevices: 3 } }),
    );
    expect(ok(second)).toHaveLength(1);
    expect(ok(second)[0]).toMatchObject({
      contact: 'sip:x@10.0.0.2:6000;transport=ws',
      params: { '+sip.instance': '<urn:uuid:00000000-0000-4000-8000-000000000001>', 'reg-id': '1' },
    });
  });

  it('compares Contact URIs with case-insensitive hosts and ignores insignificant parameters', () => {
    expect(keyOf('sip:alice@EXAMPLE.com:5060;ob')).toBe(keyOf('sip:alice@example.com:5060'));
    expect(keyOf('sip:alice@example.com:5060')).not.toBe(keyOf('sip:alice@example.com'));
    expect(keyOf('sip:alice@example.com;transport=tcp')).not.toBe(keyOf('sip:alice@example.com;transport=udp'));
  });

  it('records how the device is reached: the transport source and the edge flow', () => {
    const [b] = ok(
      applyBindingRules(
        input({
          contacts: ['<sip:alice@10.1.1.1:5060;transport=tcp>'],
          origin: { edge: EDGE, source: { protocol: 'tcp', address: '198.51.100.20', port: 40000, flowId: 'flow-7' } },
        }),
      ),
    );
    expect(b).toMatchObject({ protocol: 'tcp', address: '198.51.100.20', port: 40000, flowId: 'flow-7', edgeId: EDGE.id, bootId: EDGE.bootId });
  });
});
