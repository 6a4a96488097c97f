import { describe, expect, it } from 'vitest';
import { AddressSet, isAddressOrBlock, normalizeAddress } from '../../../contracts/fail-to-ban/address-set.js';
import { clientAddress } from '../../../edge/src/security/client-address.js';

describe('normalizeAddress: one text per address, so a ban matches however the socket reports it', () => {
  it.each([
    ['::ffff:192.0.2.7', '192.0.2.7'],
    ['[2001:DB8::1]', '2001:db8::1'],
    ['fe80::1%eth0', 'fe80::1'],
    [' 127.0.0.66 ', '127.0.0.66'],
  ])('%s → %s', (input, canonical) => {
    expect(normalizeAddress(input)).toBe(canonical);
  });
});

describe('AddressSet (whitelist, trusted proxies)', () => {
  const set = new AddressSet(['192.0.2.0/24', '2001:db8::/32', '127.0.0.77']);

  it.each([
    ['192.0.2.200', true],
    ['::ffff:192.0.2.1', true],
    ['192.0.3.1', false],
    ['2001:db8:1::5', true],
    ['2001:db9::1', false],
    ['127.0.0.77', true],
    ['127.0.0.78', false],
    ['not-an-address', false],
  ])('%s is in the set: %s', (address, expected) => {
    expect(set.has(address)).toBe(expected);
  });

  it('refuses a malformed entry, naming it', () => {
    expect(() => new AddressSet(['10.0.0.0/33'])).toThrow(/10\.0\.0\.0\/33/);
    expect(isAddressOrBlock('example.com')).toBe(false);
    expect(isAddressOrBlock('10.1.2.0/24')).toBe(true);
  });
});

describe('clientAddress: X-Forwarded-For only from a trusted proxy', () => {
  const trusted = new AddressSet(['10.0.0.0/8']);

  it.each<[string, string, string | undefined, string]>([
    ['an untrusted peer cannot name someone else', '203.0.113.9', '198.51.100.1', '203.0.113.9'],
    ['a trusted proxy names its client', '10.0.0.5', '198.51.100.1', '198.51.100.1'],
    ['hops written by the client itself are ignored', '10.0.0.5', '1.2.3.4, 198.51.100.1', '198.51.100.1'],
    ['a chain of trusted proxies is walked from the right', '10.0.0.5', '198.51.100.1, 10.0.0.9', '198.51.100.1'],
    ['ports are dropped', '10.0.0.5', '198.51.100.1:4455', '198.51.100.1'],
    ['bracketed IPv6 with port', '10.0.0.5', '[2001:db8::7]:443', '2001:db8::7'],
    ['garbage from the proxy: judge the proxy', '10.0.0.5', 'unknown', '10.0.0.5'],
    ['no header: the peer', '10.0.0.5', undefined, '10.0.0.5'],
    ['a dual-stack peer address is normalized', '::ffff:203.0.113.9', undefined, '203.0.113.9'],
  ])('%s', (_name, peer, header, expected) => {
    expect(clientAddress(peer, header, trusted)).toBe(expected);
  });
});
