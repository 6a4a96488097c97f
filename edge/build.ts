/**
 * Bundles the edge's cloud entry (edge/src/cloud-main.ts) into one ESM file
 * that runs on plain Node.js without node_modules: what edge/Dockerfile
 * copies into the image.
 *   npx tsx edge/build.ts [--out <dir>]     (default dist/edge)
 */
import { build } from 'esbuild';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** ESM output has no `require`; bundled CommonJS dependencies call it for Node built-ins. */
const REQUIRE_BANNER =
  "import { createRequire as __nimbusCreateRequire } from 'node:module';\n" +
  'const require = __nimbusCreateRequire(import.meta.url);';

/** Builds <outDir>/cloud-main.mjs (+ source map); returns its path. */
export async function buildEdge(outDir: string = join(ROOT, 'dist', 'edge')): Promise<string> {
  const outfile = join(outDir, 'cloud-main.mjs');
  await build({
    entryPoints: [join(ROOT, 'edge/src/cloud-main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    mainFields: ['module', 'main'],
    banner: { js: REQUIRE_BANNER },
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
  });
  return outfile;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const at = process.argv.indexOf('--out');
  buildEdge(at > 0 ? resolve(process.argv[at + 1]) : undefined).then(
    (file) => console.log(`edge -> ${file}`),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
