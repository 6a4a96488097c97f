import { describe, expect, it } from 'vitest';
import { SettingsError } from '../../../contracts/settings/env-values.js';
import { loadSettings } from '../../../contracts/settings/pbx-settings.js';

const loadConfig = (env: Record<string, string>) => loadSettings(env).edge;
import { DEFAULT_F2B_SETTINGS, f2bSettingsFrom } from '../../../contracts/fail-to-ban/f2b-settings.js';
import { parseSeed, SeedError } from '../../../functions/src/seed/seed-schema.js';

const tenants = [{ id: 'acme', domains: ['acme.test'], users: [] }];

describe('fail-to-ban settings in the seed (system.f2b)', () => {
  it('defaults: on, 5 failures in 60 s ban for 3 hours, empty whitelist', () => {
    expect(DEFAULT_F2B_SETTINGS).toEqual({ enabled: true, maxFailures: 5, windowSeconds: 60, banSeconds: 10_800, whitelist: [] });
    expect(parseSeed({ tenants }).system).toBeUndefined();
    expect(f2bSettingsFrom(undefined)).toEqual(DEFAULT_F2B_SETTINGS);
  });

  it('takes the documented shape and fills the fields left out', () => {
    const seed = parseSeed({ tenants, system: { f2b: { maxFailures: 3, whitelist: ['192.0.2.0/24'] } } });
    expect(seed.system?.f2b).toEqual({ enabled: true, maxFailures: 3, windowSeconds: 60, banSeconds: 10_800, whitelist: ['192.0.2.0/24'] });
  });

  it('names a bad field', () => {
    const error = (() => {
      try {
        parseSeed({ tenants, system: { f2b: { maxFailures: 0, whitelist: ['not-an-ip'] } } });
      } catch (err) {
        return err as SeedError;
      }
    })();
    expect(error).toBeInstanceOf(SeedError);
    expect(error!.issues.map((i) => i.path)).toEqual(['system.f2b.maxFailures', 'system.f2b.whitelist[0]']);
  });
});

describe('edge protection settings (environment)', () => {
  it('has documented defaults', () => {
    expect(loadConfig({}).security).toEqual({
      trustedProxies: [],
      pike: { requests: 100, windowSeconds: 2, blockSeconds: 60 },
      authPerAddress: { concurrent: 4, queued: 100, maxWaitMs: 3000 },
      maxConnectionsPerAddress: 50,
      headerTimeoutSeconds: 10,
      handshakeTimeoutSeconds: 10,
      banPollSeconds: 2,
      wsOrigins: [],
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PBX_TRUSTED_PROXIES: '10.0.0.0/8, 192.0.2.10',
      PBX_PIKE_REQUESTS: '0',
      PBX_PIKE_WINDOW_SECONDS: '1',
      PBX_PIKE_BLOCK_SECONDS: '5',
      PBX_MAX_CONNECTIONS_PER_ADDRESS: '7',
      PBX_AUTH_CONCURRENCY_PER_ADDRESS: '1',
      PBX_AUTH_QUEUE_PER_ADDRESS: '9',
      PBX_AUTH_QUEUE_WAIT_MS: '250',
      PBX_HEADER_TIMEOUT_SECONDS: '3',
      PBX_HANDSHAKE_TIMEOUT_SECONDS: '4',
      PBX_BAN_POLL_SECONDS: '1',
      PBX_WS_ORIGINS: 'https://phone.example.com, http://127.0.0.1:3000',
    });
    expect(config.security).toEqual({
      trustedProxies: ['10.0.0.0/8', '192.0.2.10'],
      pike: { requests: 0, windowSeconds: 1, blockSeconds: 5 },
      authPerAddress: { concurrent: 1, queued: 9, maxWaitMs: 250 },
      maxConnectionsPerAddress: 7,
      headerTimeoutSeconds: 3,
      handshakeTimeoutSeconds: 4,
      banPollSeconds: 1,
      wsOrigins: ['https://phone.example.com', 'http://127.0.0.1:3000'],
    });
  });

  it('refuses an origin with a path, naming the variable', () => {
    expect(() => loadConfig({ PBX_WS_ORIGINS: 'https://phone.example.com/app' })).toThrow(/PBX_WS_ORIGINS/);
  });

  it('refuses a trusted proxy that is not an address, naming the variable', () => {
    expect(() => loadConfig({ PBX_TRUSTED_PROXIES: 'proxy.example' })).toThrow(SettingsError);
    expect(() => loadConfig({ PBX_TRUSTED_PROXIES: 'proxy.example' })).toThrow(/PBX_TRUSTED_PROXIES/);
  });
});
