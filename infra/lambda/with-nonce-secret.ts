/**
 * Cloud entry of the functions that need the nonce secret: resolves
 * PBX_NONCE_SECRET_ARN once per container, then calls the function's own
 * handler. The CDK app bundles this file with the esbuild alias
 * `nimbus-function-handler` pointing at that handler (infra/pbx-functions.ts),
 * so handlers stay unaware of how the cloud delivers secrets.
 */
import type { Context } from 'aws-lambda';
import { handler as functionHandler } from 'nimbus-function-handler';
import { resolveNonceSecret } from '../../functions/src/runtime/settings.js';

let resolved: Promise<void> | undefined;

export async function handler(event: unknown, context: Context): Promise<unknown> {
  // Not at init: the secrets extension answers only inside an invocation.
  resolved ??= resolveNonceSecret().catch((err: unknown) => {
    resolved = undefined; // the next invocation tries again
    throw err;
  });
  await resolved;
  return functionHandler(event, context);
}
