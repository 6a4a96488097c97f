import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The admin console is a static site: `vite build --config web-admin/vite.config.ts`
 * writes web-admin/dist, which the local stack serves at /admin/ (and the
 * cloud's CDN next to the softphone). Relative asset paths (base './') let
 * the build sit under /admin/ on either.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
  },
});
