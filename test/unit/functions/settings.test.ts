import { describe, expect, it } from 'vitest';
import { SettingsError } from '../../../contracts/settings/env-values.js';
import { loadStoreSettings } from '../../../contracts/settings/store-settings.js';
import { loadFunctionSettings as loadSettings } from '../../../functions/src/runtime/settings.js';

const SECRET = { PBX_NONCE_SECRET: 'a-long-random-secret' };

describe('function settings from the environment', () => {
  it('applies the documented defaults, MD5 offered first', () => {
    expect(loadSettings(SECRET)).toEqual({
      tableName: 'nimbus-pbx',
      region: 'us-east-1',
      directoryCacheSeconds: 5,
      nonceSecret: 'a-long-random-secret',
      nonceTtlSeconds: 300,
      minExpires: 60,
      maxExpires: 3600,
      defaultExpires: 3600,
      digestAlgorithms: ['MD5', 'SHA-256'],
      privateContacts: 'allow',
    });
  });

  it('reads overrides, normalizing algorithm names', () => {
    const s = loadSettings({ ...SECRET, PBX_TABLE_NAME: 'pbx-test', PBX_DYNAMODB_ENDPOINT: 'http://127.0.0.1:4567', PBX_REG_MIN_EXPIRES: '30', PBX_DIGEST_ALGORITHMS: 'sha-256, md5' });
    expect(s).toMatchObject({ tableName: 'pbx-test', dynamoEndpoint: 'http://127.0.0.1:4567', minExpires: 30, digestAlgorithms: ['SHA-256', 'MD5'] });
  });

  it('reads PBX_DIRECTORY_CACHE_SECONDS (0 = no directory cache) and refuses a bad one', () => {
    expect(loadStoreSettings({ PBX_DIRECTORY_CACHE_SECONDS: '0' }).directoryCacheSeconds).toBe(0);
    expect(() => loadStoreSettings({ PBX_DIRECTORY_CACHE_SECONDS: 'soon' })).toThrow(/PBX_DIRECTORY_CACHE_SECONDS/);
  });

  it('fails clearly when PBX_NONCE_SECRET is missing', () => {
    expect(() => loadSettings({})).toThrow(/PBX_NONCE_SECRET: is required/);
  });

  it('names every bad variable in one error', () => {
    let error: unknown;
    try {
      loadSettings({ ...SECRET, PBX_REG_MIN_EXPIRES: 'soon', PBX_DIGEST_ALGORITHMS: 'MD5,SHA-512-256', PBX_DYNAMODB_ENDPOINT: 'localhost' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SettingsError);
    const message = (error as Error).message;
    expect(message).toMatch(/PBX_REG_MIN_EXPIRES: .*"soon"/);
    expect(message).toMatch(/PBX_DIGEST_ALGORITHMS: unsupported algorithm "SHA-512-256"/);
    expect(message).toMatch(/PBX_DYNAMODB_ENDPOINT: /);
  });

  it('rejects a maximum below the minimum', () => {
    expect(() => loadSettings({ ...SECRET, PBX_REG_MIN_EXPIRES: '600', PBX_REG_MAX_EXPIRES: '300' })).toThrow(/PBX_REG_MAX_EXPIRES: must be ≥/);
  });

  it('lets flow-closed load its store settings without the nonce secret', () => {
    expect(loadStoreSettings({ PBX_DYNAMODB_ENDPOINT: '' })).toEqual({ tableName: 'nimbus-pbx', region: 'us-east-1', directoryCacheSeconds: 5 });
  });

  it('never echoes the nonce secret in errors', () => {
    expect(() => loadSettings({ PBX_NONCE_SECRET: 'super-secret-value', PBX_REG_MIN_EXPIRES: 'x' })).toThrow(SettingsError);
    try {
      loadSettings({ PBX_NONCE_SECRET: 'super-secret-value', PBX_REG_MIN_EXPIRES: 'x' });
    } catch (err) {
      expect((err as Error).message).not.toContain('super-secret-value');
    }
  });
});
