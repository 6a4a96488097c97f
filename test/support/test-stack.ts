import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../edge/src/config.js';
import { createLogger } from '../../edge/src/logger.js';
import { startLocalStack, type LocalStack } from '../../edge/src/local-stack/start-local-stack.js';

export const TEST_SEED = {
  tenants: [
    {
      id: 'acme',
      domains: ['acme.test', '127.0.0.1'],
      users: [
        { ext: '1001', password: 's3cret-1001', displayName: 'Alice' },
        { ext: '1002', password: 's3cret-1002', multiDevice: true, maxDevices: 3 },
        { ext: '1003', password: 's3cret-1003', displayName: 'Carol' },
      ],
    },
  ],
};

export interface TestStack extends LocalStack {
  dataDir: string;
  /** Stops the stack and removes its data folder. */
  dispose(): Promise<void>;
}

/** The real local stack, in this process, on random ports of 127.0.0.1 with a fresh data folder. */
export async function startTestStack(options: { seed?: unknown; env?: Record<string, string>; dataDir?: string } = {}): Promise<TestStack> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'nimbus-test-')));
  const seedFile = join(dataDir, 'seed.json');
  await writeFile(seedFile, JSON.stringify(options.seed ?? TEST_SEED));
  const config = loadConfig({
    PBX_SIP_PORT: '0',
    PBX_HTTP_PORT: '0',
    PBX_TLS_PORT: '0',
    PBX_BIND: '127.0.0.1',
    PBX_DATA_DIR: dataDir,
    PBX_SEED: seedFile,
    PBX_EDGE_ID: 'edge-test',
    ...options.env,
  });
  const stack = await startLocalStack(config, createLogger(process.env.PBX_TEST_LOG_LEVEL ?? 'silent'));
  return {
    ...stack,
    dataDir,
    dispose: async () => {
      await stack.stop();
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
