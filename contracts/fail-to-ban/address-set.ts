/**
 * IP addresses and CIDR blocks as fail-to-ban, the whitelist and the trusted
 * proxy list see them. Pure (node:net's BlockList is an in-memory matcher).
 *
 * An address is always compared in one canonical text form, so that a ban
 * recorded for "::ffff:192.0.2.7" (an IPv4 client on a dual-stack socket)
 * also stops "192.0.2.7" on an IPv4 socket.
 */
import { BlockList, isIP } from 'node:net';

/**
 * Canonical text of an IP address: brackets and IPv6 zone removed, IPv4-mapped
 * IPv6 (RFC 4291 §2.5.5.2) turned into plain IPv4, hex digits lower-case.
 * Anything that is not an IP address comes back trimmed and lower-cased.
 */
export function normalizeAddress(address: string): string {
  let a = address.trim();
  if (a.startsWith('[') && a.endsWith(']')) a = a.slice(1, -1);
  const zone = a.indexOf('%');
  if (zone >= 0 && a.includes(':')) a = a.slice(0, zone);
  const mapped = /^::ffff:(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/i.exec(a);
  if (mapped && isIP(mapped[1]!) === 4) return mapped[1]!;
  return a.toLowerCase();
}

/**
 * What fail-to-ban counts and bans: an IPv4 address, or the /64 an IPv6
 * address belongs to (RFC 4291 §2.5.4: one /64 is one link, and a host picks
 * new addresses inside its /64 at will, RFC 8981 — banning one address of
 * it would stop nobody). Written "2001:db8:1:2::/64". Loopback stays itself.
 * Everything else (flood control, connection caps, authentication lanes)
 * stays per address.
 */
export function banSubject(address: string): string {
  const a = normalizeAddress(address);
  if (a.endsWith('/64')) return a;
  if (isIP(a) !== 6 || a === '::1') return a;
  const groups = expandIpv6(a).slice(0, 4).map((g) => g.replace(/^0+(?=.)/, ''));
  return `${groups.join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address (with an embedded IPv4 tail converted). */
function expandIpv6(address: string): string[] {
  let a = address;
  const v4 = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(a);
  if (v4) {
    const [b1, b2, b3, b4] = v4.slice(1).map(Number) as [number, number, number, number];
    a = `${a.slice(0, v4.index)}${((b1 << 8) | b2).toString(16)}:${((b3 << 8) | b4).toString(16)}`;
  }
  const [head, tail] = a.includes('::') ? a.split('::') : [a, undefined];
  const left = head ? head.split(':') : [];
  const right = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array.from({ length: 8 - left.length - right.length }, () => '0');
  return [...left, ...fill, ...right].map((g) => g.toLowerCase());
}

interface Block {
  network: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** "192.0.2.0/24", "2001:db8::/32", or a single address (a /32 or /128). Undefined when malformed. */
export function parseAddressBlock(entry: string): Block | undefined {
  const text = entry.trim();
  const slash = text.indexOf('/');
  const network = normalizeAddress(slash < 0 ? text : text.slice(0, slash));
  const version = isIP(network);
  if (version === 0) return undefined;
  const max = version === 4 ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const bits = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(bits) || Number(bits) > max) return undefined;
    prefix = Number(bits);
  }
  return { network, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

export function isAddressOrBlock(entry: string): boolean {
  return parseAddressBlock(entry) !== undefined;
}

/** A fixed set of addresses and CIDR blocks (whitelist, trusted proxies). */
export class AddressSet {
  private readonly blocks = new BlockList();
  readonly entries: readonly string[];

  /** Throws a RangeError naming the first malformed entry. */
  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const block = parseAddressBlock(entry);
      if (!block) throw new RangeError(`"${entry}" is not an IP address or CIDR block`);
      this.blocks.addSubnet(block.network, block.prefix, block.family);
    }
    this.entries = [...entries];
  }

  get size(): number {
    return this.entries.length;
  }

  has(address: string): boolean {
    if (this.entries.length === 0) return false;
    const a = normalizeAddress(address);
    const version = isIP(a);
    if (version === 0) return false;
    return this.blocks.check(a, version === 4 ? 'ipv4' : 'ipv6');
  }
}
