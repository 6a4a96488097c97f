import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { SeedFileError, startLocalStack } from './local-stack/start-local-stack.js';
import { printBanner } from './local-stack/banner.js';
import { exitOnStartFailure, orExitOnUserError, stopOnSignals } from './process-lifecycle.js';

/**
 * `npm start`: runs the local PBX stack until SIGINT/SIGTERM, then shuts it
 * down in order (listeners, then the embedded store, which flushes to disk).
 */
async function main(): Promise<void> {
  const config = await orExitOnUserError(() => loadConfig(), (err) => err instanceof ConfigError);
  const logger = createLogger(config.logLevel);
  const stack = await orExitOnUserError(
    () => startLocalStack(config, logger),
    (err) => err instanceof SeedFileError || err instanceof ConfigError,
  );
  printBanner(config, stack);
  stopOnSignals(logger, () => stack.stop());
}

main().catch(exitOnStartFailure);
