#!/usr/bin/env node
// `npx nimbus …` (package.json "bin"): runs the TypeScript CLI through tsx, as `npm start` runs the edge.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/main.ts');
const code = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
});
process.exitCode = code;
