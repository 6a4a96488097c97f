import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { serveDynalite, type EmbeddedStore } from './serve-dynalite.js';
import { startStoreThread } from './store-thread-client.js';

export { serveDynalite, type EmbeddedStore };

/**
 * The local stack's DynamoDB: dynalite, in this process (so no emulator
 * process can be orphaned), persisted in LevelDB under the data folder so a
 * restart keeps users and registrations. Closing it flushes LevelDB. By
 * default on a worker thread of its own (store-thread-client.ts: the SIP
 * edge and the functions keep the main thread); `thread: false`
 * (PBX_STORE_THREAD=false) keeps it on the main thread.
 */
export async function startEmbeddedStore(
  dataDir: string,
  port: number,
  options: { thread?: boolean; onExit?: (err: Error | undefined) => void } = {},
): Promise<EmbeddedStore> {
  const path = join(dataDir, 'dynamodb');
  await mkdir(path, { recursive: true });
  return options.thread === false ? serveDynalite({ path, port }) : startStoreThread({ path, port, ...(options.onExit ? { onExit: options.onExit } : {}) });
}

