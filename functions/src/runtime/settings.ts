/**
 * The functions' settings: the store and registrar sections of the one
 * settings module (contracts/settings/), plus how a Lambda container gets
 * its nonce secret from Secrets Manager (PBX_NONCE_SECRET_ARN).
 */
import { parseRegistrarSettings, type RegistrarSettings } from '../../../contracts/settings/registrar-settings.js';
import { parseStoreSettings, type StoreSettings } from '../../../contracts/settings/store-settings.js';
import { SettingsError, valuesOrThrow, type Env } from '../../../contracts/settings/env-values.js';

export type FunctionSettings = StoreSettings & RegistrarSettings;

/** Every setting of a function that signs nonces (register, authorize-call). Reports every bad variable at once. */
export function loadFunctionSettings(env: Env = process.env): FunctionSettings {
  const [store, registrar] = valuesOrThrow(parseStoreSettings(env), parseRegistrarSettings(env));
  return { ...store, ...registrar };
}

/** Default port of the AWS Parameters and Secrets Lambda Extension. */
const SECRETS_EXTENSION_DEFAULT_PORT = '2773';

/**
 * In the cloud the nonce secret is no plaintext variable (anyone allowed to
 * read a function's configuration would see it): the stack keeps it in
 * Secrets Manager and passes PBX_NONCE_SECRET_ARN. This reads it through the
 * AWS Parameters and Secrets Lambda Extension (a localhost HTTP endpoint
 * authenticated with the function's session token, so no SDK client is
 * needed) and puts it in `env.PBX_NONCE_SECRET` of this process only, where
 * loadRegistrarSettings finds it. A set PBX_NONCE_SECRET wins (local runs).
 *
 * The extension answers only during an invocation, not at init, so the
 * cloud bundle calls this at the start of the first invocation
 * (infra/lambda/with-nonce-secret.ts).
 */
export async function resolveNonceSecret(env: Env = process.env, fetchSecret: typeof fetch = fetch): Promise<void> {
  if (env.PBX_NONCE_SECRET || !env.PBX_NONCE_SECRET_ARN) return;
  const port = env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT || SECRETS_EXTENSION_DEFAULT_PORT;
  const url = `http://localhost:${port}/secretsmanager/get?secretId=${encodeURIComponent(env.PBX_NONCE_SECRET_ARN)}`;
  let response: Response;
  try {
    response = await fetchSecret(url, { headers: { 'X-Aws-Parameters-Secrets-Token': env.AWS_SESSION_TOKEN ?? '' } });
  } catch (err) {
    throw new SettingsError([`PBX_NONCE_SECRET_ARN: the Parameters and Secrets extension did not answer (${(err as Error).message})`]);
  }
  if (!response.ok) {
    throw new SettingsError([`PBX_NONCE_SECRET_ARN: reading ${env.PBX_NONCE_SECRET_ARN} failed with HTTP ${response.status}`]);
  }
  const body = (await response.json()) as { SecretString?: unknown };
  if (typeof body.SecretString !== 'string' || body.SecretString === '') {
    throw new SettingsError([`PBX_NONCE_SECRET_ARN: ${env.PBX_NONCE_SECRET_ARN} has no SecretString`]);
  }
  env.PBX_NONCE_SECRET = body.SecretString;
}
