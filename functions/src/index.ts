/**
 * The functions' public entry, for the one place that hosts them in a
 * process of its own: the local stack (edge/src/local-stack/). Everything
 * else reaches a function through the invoker port or the bus, and in the
 * cloud each handler is its own Lambda bundle (functions/build.ts).
 */
export { createFunctionsRuntime, type FunctionsRuntime, type FunctionsRuntimeOptions } from './runtime/functions-runtime.js';
export { createAdminApi, createBackgroundHandlers, createFunctionHandlers, type BackgroundName, type FunctionHandlers } from './registry.js';
export { loadSeedFile } from './seed/load-seed-file.js';
export { SeedError, type Seed } from './seed/seed-schema.js';
export { StoreBootstrap } from './seed/store-bootstrap.js';
