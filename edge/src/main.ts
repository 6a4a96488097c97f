import { SettingsError } from '../../contracts/settings/env-values.js';
import { loadSettings } from '../../contracts/settings/pbx-settings.js';
import { printBanner } from './local-stack/banner.js';
import { SeedFileError, startLocalStack } from './local-stack/start-local-stack.js';
import { createLogger } from './logger.js';
import { exitOnStartFailure, orExitOnUserError, stopOnSignals } from './process-lifecycle.js';

/**
 * `npm start`: runs the local PBX stack until SIGINT/SIGTERM, then shuts it
 * down in order (listeners, then the embedded store, which flushes to disk).
 */
async function main(): Promise<void> {
  const settings = await orExitOnUserError(() => loadSettings(), (err) => err instanceof SettingsError);
  const logger = createLogger(settings.edge.logLevel);
  const stack = await orExitOnUserError(
    () => startLocalStack(settings, logger),
    (err) => err instanceof SeedFileError || err instanceof SettingsError,
  );
  printBanner(settings.edge, stack);
  stopOnSignals(logger, () => stack.stop());
}

main().catch(exitOnStartFailure);
