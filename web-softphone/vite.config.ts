import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The softphone is a static site: `vite build --config web-softphone/vite.config.ts`
 * writes web-softphone/dist, which the edge serves locally (and S3+CloudFront in the cloud).
 * Relative asset paths (base './') let the same build sit under any path prefix.
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
