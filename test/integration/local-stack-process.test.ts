import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { startPbxProcess, waitHealthy } from '../support/pbx-process.js';
import { asResponse, udpClient } from '../support/raw-sip-client.js';
import { answerChallenge, registerRequest } from '../support/register-request.js';
import { readBindings } from '../support/store-inspect.js';
import { TEST_SEED } from '../support/test-stack.js';

/** `npm start` as a user runs it: a process with a data folder, stopped by a signal, started again. */
describe('the local stack process', () => {
  let dataDir: string;
  let seedFile: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'nimbus-proc-'));
    seedFile = join(dataDir, 'seed.json');
    await writeFile(seedFile, JSON.stringify(TEST_SEED));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps registrations across a SIGTERM and a restart, and shuts down cleanly', async () => {
    const [sipPort, httpPort, storePort] = [await freePort(), await freePort(), await freePort()];
    const env = {
      PBX_SIP_PORT: String(sipPort),
      PBX_HTTP_PORT: String(httpPort),
      PBX_STORE_PORT: String(storePort),
      PBX_DATA_DIR: dataDir,
      PBX_SEED: seedFile,
      PBX_EDGE_ID: 'edge-proc',
    };
    const first = startPbxProcess(env);
    await waitHealthy(httpPort, first);
    expect(first.output()).toContain(`127.0.0.1:${sipPort}`);

    const client = await udpClient('127.0.0.1', sipPort);
    const base = { transport: 'UDP' as const, localHost: '127.0.0.1', localPort: client.localPort, user: '1001', domain: 'acme.test', callId: 'restart-1' };
    const contact = `<sip:1001@127.0.0.1:${client.localPort}>`;
    client.send(registerRequest({ ...base, cseq: 1, contact, expires: 3600 }));
    const challenge = asResponse(await client.next());
    client.send(registerRequest({
      ...base, cseq: 2, contact, expires: 3600,
      authorization: answerChallenge(challenge, { user: '1001', password: 's3cret-1001', uri: 'sip:acme.test' }),
    }));
    expect(asResponse(await client.next()).status).toBe(200);
    await client.close();

    expect(await first.stop()).toBe(0);
    // The embedded store lived in that process: its port is free again (no orphan emulator).
    await expect(fetch(`http://127.0.0.1:${storePort}/`)).rejects.toThrow();

    const second = startPbxProcess(env);
    try {
      await waitHealthy(httpPort, second);
      const bindings = await readBindings({ storeEndpoint: `http://127.0.0.1:${storePort}` }, 'acme', '1001');
      expect(bindings.map((b) => b.contact)).toEqual([`sip:1001@127.0.0.1:${client.localPort}`]);
    } finally {
      expect(await second.stop()).toBe(0);
    }
  });

  it('refuses to start with an invalid seed and names the bad field', async () => {
    const bad = join(dataDir, 'bad-seed.json');
    await writeFile(bad, JSON.stringify({ tenants: [{ id: 'acme', domains: ['acme.test'], users: [{ ext: '', password: 'x' }] }] }));
    const pbx = startPbxProcess({ PBX_SEED: bad, PBX_DATA_DIR: join(dataDir, 'bad'), PBX_SIP_PORT: String(await freePort()), PBX_HTTP_PORT: String(await freePort()) });
    expect(await pbx.exited).toBe(1);
    expect(pbx.output()).toContain('tenants[0].users[0].ext');
  });

  it('refuses to start with an invalid setting and names it', async () => {
    const pbx = startPbxProcess({ PBX_SIP_PORT: 'not-a-port', PBX_DATA_DIR: join(dataDir, 'bad2') });
    expect(await pbx.exited).toBe(1);
    expect(pbx.output()).toContain('PBX_SIP_PORT');
  });
});
