import { describe, expect, it } from 'vitest';
import { SettingsError } from '../../contracts/settings/env-values.js';
import { loadSettings } from '../../contracts/settings/pbx-settings.js';

const loadConfig = (env: Record<string, string>) => loadSettings(env).edge;

describe('PBX_TRUNK_LEASE_SECONDS', () => {
  it('defaults to 30 seconds', () => {
    expect(loadConfig({}).trunkLeaseSeconds).toBe(30);
  });

  it('takes a whole number of seconds', () => {
    expect(loadConfig({ PBX_TRUNK_LEASE_SECONDS: '12' }).trunkLeaseSeconds).toBe(12);
  });

  it('rejects 0 and non-numbers naming the variable', () => {
    for (const value of ['0', 'soon', '2.5']) {
      expect(() => loadConfig({ PBX_TRUNK_LEASE_SECONDS: value })).toThrow(SettingsError);
      expect(() => loadConfig({ PBX_TRUNK_LEASE_SECONDS: value })).toThrow(/PBX_TRUNK_LEASE_SECONDS/);
    }
  });
});
