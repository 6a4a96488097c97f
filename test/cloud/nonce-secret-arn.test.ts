/**
 * PBX_NONCE_SECRET_ARN (functions/src/runtime/settings.ts): in the cloud the nonce
 * secret is read from Secrets Manager through the Lambda extension's
 * localhost endpoint, never from the function's configuration.
 */
import { describe, expect, it, vi } from 'vitest';
import { SettingsError, type Env } from '../../contracts/settings/env-values.js';
import { loadRegistrarSettings } from '../../contracts/settings/registrar-settings.js';
import { resolveNonceSecret } from '../../functions/src/runtime/settings.js';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:nimbus-nonce-AbCdEf';

const answering = (status: number, body: unknown) =>
  vi.fn(async (_url: string | URL | Request, _init?: RequestInit) => new Response(JSON.stringify(body), { status }));

describe('resolveNonceSecret', () => {
  it('asks the extension for the secret with the session token and makes it the nonce secret', async () => {
    const env: Env = { PBX_NONCE_SECRET_ARN: ARN, AWS_SESSION_TOKEN: 'token-1', PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: '2999' };
    const fetchSecret = answering(200, { ARN, SecretString: 'the-shared-secret-0123456789' });
    await resolveNonceSecret(env, fetchSecret as unknown as typeof fetch);
    expect(fetchSecret).toHaveBeenCalledWith(`http://localhost:2999/secretsmanager/get?secretId=${encodeURIComponent(ARN)}`, {
      headers: { 'X-Aws-Parameters-Secrets-Token': 'token-1' },
    });
    expect(loadRegistrarSettings(env).nonceSecret).toBe('the-shared-secret-0123456789');
  });

  it('uses the extension default port 2773', async () => {
    const fetchSecret = answering(200, { SecretString: 's' });
    await resolveNonceSecret({ PBX_NONCE_SECRET_ARN: ARN }, fetchSecret as unknown as typeof fetch);
    expect(String(fetchSecret.mock.calls[0]![0])).toMatch(/^http:\/\/localhost:2773\//);
  });

  it('leaves a configured PBX_NONCE_SECRET alone and asks nobody (local runs)', async () => {
    const env: Env = { PBX_NONCE_SECRET: 'local', PBX_NONCE_SECRET_ARN: ARN };
    const fetchSecret = answering(200, { SecretString: 'remote' });
    await resolveNonceSecret(env, fetchSecret as unknown as typeof fetch);
    expect(fetchSecret).not.toHaveBeenCalled();
    expect(env.PBX_NONCE_SECRET).toBe('local');
  });

  it.each([
    ['an HTTP error', answering(403, { message: 'AccessDenied' }), /PBX_NONCE_SECRET_ARN: reading .* failed with HTTP 403/],
    ['a secret without SecretString', answering(200, { SecretBinary: 'AA==' }), /PBX_NONCE_SECRET_ARN: .* has no SecretString/],
    ['no extension listening', vi.fn(async () => Promise.reject(new TypeError('fetch failed'))), /PBX_NONCE_SECRET_ARN: the Parameters and Secrets extension did not answer \(fetch failed\)/],
  ])('fails with a SettingsError naming the variable on %s', async (_case, fetchSecret, message) => {
    const failure = resolveNonceSecret({ PBX_NONCE_SECRET_ARN: ARN }, fetchSecret as unknown as typeof fetch);
    await expect(failure).rejects.toBeInstanceOf(SettingsError);
    await expect(failure).rejects.toThrow(message);
  });
});
