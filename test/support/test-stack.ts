import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InProcessBus } from '../../contracts/bus/in-process-bus.js';
import { loadSettings } from '../../contracts/settings/pbx-settings.js';
import { createLogger, type Logger } from '../../edge/src/logger.js';
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
  /** The nonce secret this stack signs with (PBX_NONCE_SECRET, or the one it generated into its data folder). */
  nonceSecret: string;
  /** Stops the stack and removes its data folder. */
  dispose(): Promise<void>;
}

function rtpPortBlock(): Record<string, string> {
  const min = 20_000 + Math.floor(Math.random() * 399) * 100;
  return { PBX_RTP_PORT_MIN: String(min), PBX_RTP_PORT_MAX: String(min + 99) };
}

/** The real local stack, in this process, on random ports of 127.0.0.1 with a fresh data folder. */
export async function startTestStack(
  options: { seed?: unknown; env?: Record<string, string>; dataDir?: string; bus?: InProcessBus; logger?: Logger } = {},
): Promise<TestStack> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'nimbus-test-')));
  const seedFile = join(dataDir, 'seed.json');
  await writeFile(seedFile, JSON.stringify(options.seed ?? TEST_SEED));
  const settings = loadSettings({
    PBX_SIP_PORT: '0',
    PBX_HTTP_PORT: '0',
    PBX_TLS_PORT: '0',
    PBX_BIND: '127.0.0.1',
    PBX_DATA_DIR: dataDir,
    PBX_SEED: seedFile,
    PBX_EDGE_ID: 'edge-test',
    // Each stack's rtpengine (when installed) gets its own block of RTP ports: test files run side by side.
    ...rtpPortBlock(),
    ...options.env,
  });
  const logger = options.logger ?? createLogger(process.env.PBX_TEST_LOG_LEVEL ?? 'silent');
  const stack = await startLocalStack(settings, logger, options.bus ? { bus: options.bus } : {});
  const nonceSecret = options.env?.PBX_NONCE_SECRET ?? (await readFile(join(dataDir, 'nonce-secret'), 'utf8')).trim();
  return {
    ...stack,
    dataDir,
    nonceSecret,
    dispose: async () => {
      await stack.stop();
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
