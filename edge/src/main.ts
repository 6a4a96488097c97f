import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { SeedFileError, startLocalStack } from './local-stack/start-local-stack.js';
import { printBanner } from './local-stack/banner.js';

/**
 * `npm start`: runs the local PBX stack until SIGINT/SIGTERM, then shuts it
 * down in order (listeners, then the embedded store, which flushes to disk).
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`nimbus: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  let stack;
  try {
    stack = await startLocalStack(config, logger);
  } catch (err) {
    if (err instanceof SeedFileError || err instanceof ConfigError) {
      console.error(`nimbus: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  printBanner(config, stack);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    stack.stop().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err) => {
  console.error('nimbus: failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
