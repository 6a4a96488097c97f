/**
 * The module esbuild's alias `nimbus-function-handler` resolves to when the
 * CDK app bundles with-nonce-secret.ts: one function's handler module.
 */
declare module 'nimbus-function-handler' {
  import type { Context } from 'aws-lambda';

  export const handler: (event: unknown, context: Context) => Promise<unknown>;
}
