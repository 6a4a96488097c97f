import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CarrierPki {
  /** PEM file of the test CA (what PBX_TRUNK_CA_FILE points at). */
  caFile: string;
  /** A certificate (and key) signed by the CA for `name` (SAN DNS). */
  certFor(name: string): { cert: Buffer; key: Buffer };
}

/** A throw-away CA made with openssl: nothing the system trusts. */
export function makeCarrierPki(): CarrierPki {
  const dir = mkdtempSync(join(tmpdir(), 'nimbus-carrier-pki-'));
  const at = (f: string) => join(dir, f);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=Nimbus test carrier CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    '-keyout', at('ca.key'), '-out', at('ca.pem'));
  let serial = 0;
  return {
    caFile: at('ca.pem'),
    certFor(name) {
      const base = at(`server-${++serial}`);
      openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-keyout', `${base}.key`, '-out', `${base}.csr`);
      writeFileSync(`${base}.ext`, `subjectAltName=DNS:${name}\nextendedKeyUsage=serverAuth\n`);
      openssl('x509', '-req', '-in', `${base}.csr`, '-CA', at('ca.pem'), '-CAkey', at('ca.key'), '-CAcreateserial',
        '-days', '1', '-extfile', `${base}.ext`, '-out', `${base}.pem`);
      return { cert: readFileSync(`${base}.pem`), key: readFileSync(`${base}.key`) };
    },
  };
}
