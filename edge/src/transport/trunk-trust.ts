/**
 * Who the edge trusts when it opens a TLS connection (to a carrier, or back
 * to a peer whose connection closed, RFC 3261 §18.2.2): the system's root CAs
 * plus those of PBX_TRUNK_CA_FILE. The chain and the host name are always
 * verified (RFC 5922 §7, RFC 3261 §26.3.1): without that, anyone who can
 * redirect the carrier's address gets the calls and the digest answers.
 */
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import tls from 'node:tls';
import { SettingsError } from '../../../contracts/settings/env-values.js';
import type { Destination } from '../../../contracts/transport.js';

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The CAs of PBX_TRUNK_CA_FILE, read once at start; a missing, unreadable or certificate-less file is a settings error. */
export async function loadTrunkCa(file: string | undefined): Promise<string[]> {
  if (file === undefined) return [];
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch (err) {
    throw new SettingsError([`PBX_TRUNK_CA_FILE: cannot read "${file}" (${(err as NodeJS.ErrnoException).code ?? String(err)})`]);
  }
  const certs = pem.match(PEM_CERT) ?? [];
  if (certs.length === 0) throw new SettingsError([`PBX_TRUNK_CA_FILE: "${file}" holds no PEM certificate`]);
  return certs;
}

/**
 * tls.connect options for a destination. Pure. The name checked is the
 * configured host name when there is one (the IP is only where it resolved
 * to), else the address; SNI carries names only (RFC 6066 §3).
 */
export function clientTlsOptions(to: Destination, extraCa: readonly string[]): tls.ConnectionOptions {
  const name = to.serverName !== undefined && isIP(to.serverName) === 0 ? to.serverName : undefined;
  return {
    host: to.address,
    port: to.port,
    ...(name !== undefined ? { servername: name } : {}),
    rejectUnauthorized: true,
    ca: [...tls.rootCertificates, ...extraCa],
  };
}
