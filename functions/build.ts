/**
 * Bundles each function into dist/functions/<name>/index.mjs, ready to zip
 * for Lambda (handler: index.handler, runtime nodejs20.x):
 *   npx tsx functions/build.ts
 * Everything is bundled, the AWS SDK included: the SDK in the Lambda runtime
 * changes under our feet and cold starts are faster from one file.
 */
import { build, type BuildOptions } from 'esbuild';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Entry point of each function, relative to the repository root. */
/** Edge-invoked functions (FunctionName) and bus/schedule/HTTP-triggered ones (cdr, reaper, …). */
export const FUNCTION_ENTRIES: Record<string, string> = {
  register: 'functions/src/registration/register-handler.ts',
  'flow-closed': 'functions/src/registration/flow-closed-handler.ts',
  'authorize-call': 'functions/src/calls/authorize-call-handler.ts',
  'release-call': 'functions/src/calls/release-call-handler.ts',
  'edge-heartbeat': 'functions/src/edges/edge-heartbeat-handler.ts',
  'take-trunk-slot': 'functions/src/trunks/take-trunk-slot-handler.ts',
  'audit-slots': 'functions/src/calls/audit-slots-handler.ts',
  'trunk-lines': 'functions/src/trunks/trunk-lines-handler.ts',
  'trunk-lease': 'functions/src/trunks/trunk-lease-handler.ts',
  cdr: 'functions/src/cdr/cdr-handler.ts',
  'trunk-status': 'functions/src/trunks/trunk-status-handler.ts',
  reaper: 'functions/src/edges/reaper-handler.ts',
  rollup: 'functions/src/reports/rollup-handler.ts',
  'admin-api': 'functions/src/admin-api/admin-api-handler.ts',
};

/**
 * ESM output has no `require`; CommonJS dependencies bundled into it (parts of
 * the SDK, zod's CJS fallbacks) call it for Node built-ins.
 */
const REQUIRE_BANNER =
  "import { createRequire as __nimbusCreateRequire } from 'node:module';\n" +
  'const require = __nimbusCreateRequire(import.meta.url);';

export interface BuildFunctionsOptions {
  /** Defaults to <repo>/dist/functions. */
  outDir?: string;
  minify?: boolean;
}

/** Builds every function; returns the written bundle paths by function name. */
export async function buildFunctions(options: BuildFunctionsOptions = {}): Promise<Record<string, string>> {
  const outDir = options.outDir ?? join(ROOT, 'dist', 'functions');
  const out: Record<string, string> = {};
  for (const [name, entry] of Object.entries(FUNCTION_ENTRIES)) {
    const outfile = join(outDir, name, 'index.mjs');
    const config: BuildOptions = {
      entryPoints: [join(ROOT, entry)],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      mainFields: ['module', 'main'],
      banner: { js: REQUIRE_BANNER },
      sourcemap: 'linked',
      minify: options.minify ?? false,
      legalComments: 'none',
      logLevel: 'warning',
    };
    await build(config);
    out[name] = outfile;
  }
  return out;
}

// Run as a script (npx tsx functions/build.ts), not when imported by tests.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  buildFunctions().then(
    (written) => {
      for (const [name, file] of Object.entries(written)) console.log(`${name} -> ${file}`);
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
