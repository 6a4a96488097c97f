import { describe, expect, it } from 'vitest';
import { getHeader } from '../../sip/index.js';
import {
  buildRegister,
  nextRegistrationDialog,
  resolveRegSameDialog,
  type IdSource,
  type RegistrationDialog,
} from '../../edge/src/trunks/register-request.js';

function counterIds(): IdSource {
  let n = 0;
  return { callId: () => `call-${++n}`, tag: () => `tag-${n}`, branch: () => `z9hG4bK-b${n}` };
}

/** Walks the dialog through `count` REGISTERs (initial + authenticated retry + refreshes). */
function walk(mode: 0 | 1, count: number): RegistrationDialog[] {
  const ids = counterIds();
  const out: RegistrationDialog[] = [];
  let dialog: RegistrationDialog | undefined;
  for (let i = 0; i < count; i++) out.push((dialog = nextRegistrationDialog(dialog, mode, ids)));
  return out;
}

const trunk = { host: '203.0.113.5', port: 5060, username: 'acme-line', domain: 'sip.carrier.test' };
const local = { host: '198.51.100.7', port: 5070, protocol: 'udp' as const };

describe('REGISTER of a trunk (RFC 3261 §10.2)', () => {
  it('targets the carrier domain with From = To = the account and Contact = the account at our address', () => {
    const req = buildRegister({ trunk, dialog: { callId: 'c1', cseq: 7, fromTag: 't1' }, local, expires: 300, ids: { branch: () => 'z9hG4bKx' } });
    expect(req.uri).toBe('sip:sip.carrier.test');
    expect(getHeader(req, 'From')).toBe('<sip:acme-line@sip.carrier.test>;tag=t1');
    expect(getHeader(req, 'To')).toBe('<sip:acme-line@sip.carrier.test>');
    expect(getHeader(req, 'Contact')).toBe('<sip:acme-line@198.51.100.7:5070>');
    expect(getHeader(req, 'Via')).toBe('SIP/2.0/UDP 198.51.100.7:5070;branch=z9hG4bKx;rport');
    expect(getHeader(req, 'Call-ID')).toBe('c1');
    expect(getHeader(req, 'CSeq')).toBe('7 REGISTER');
    expect(getHeader(req, 'Expires')).toBe('300');
    expect(getHeader(req, 'Authorization')).toBeUndefined();
  });

  it('falls back to the host when the trunk has no domain, and carries the digest credentials it is given', () => {
    const req = buildRegister({
      trunk: { ...trunk, domain: undefined }, dialog: { callId: 'c1', cseq: 1, fromTag: 't' }, local: { ...local, protocol: 'tcp' }, expires: 0,
      credentials: { header: 'Proxy-Authorization', value: 'Digest username="x"' },
    });
    expect(req.uri).toBe('sip:203.0.113.5');
    expect(getHeader(req, 'Contact')).toBe('<sip:acme-line@198.51.100.7:5070;transport=tcp>');
    expect(getHeader(req, 'Expires')).toBe('0');
    expect(getHeader(req, 'Proxy-Authorization')).toBe('Digest username="x"');
  });
});

describe('gVarSipRegSameDialog', () => {
  it('1 (RFC 3261): one Call-ID and From tag for every REGISTER, CSeq + 1 each time, the authenticated retry included', () => {
    const dialogs = walk(1, 4);
    expect(new Set(dialogs.map((d) => d.callId)).size).toBe(1);
    expect(new Set(dialogs.map((d) => d.fromTag)).size).toBe(1);
    expect(dialogs.map((d) => d.cseq)).toEqual([1, 2, 3, 4]);
  });

  it('0 (MSS workaround): a new Call-ID for every REGISTER, the authenticated retry included, CSeq restarting at 1', () => {
    const dialogs = walk(0, 4);
    expect(new Set(dialogs.map((d) => d.callId)).size).toBe(4);
    expect(dialogs.map((d) => d.cseq)).toEqual([1, 1, 1, 1]);
  });

  it.each([
    [{}, undefined, 1],
    [{}, 0, 0],
    [{ regSameDialog: 1 as const }, 0, 1],
    [{ regSameDialog: 0 as const }, 1, 0],
  ] as const)('trunk %j with system value %s resolves to %s (the trunk overrides the system)', (t, system, expected) => {
    expect(resolveRegSameDialog(t, system)).toBe(expected);
  });
});
