import { afterEach, describe, expect, it, vi } from 'vitest';
import { printBanner } from '../../../edge/src/local-stack/banner.js';

// Someone reading the console or a captured log of a later start must not learn the admin token.
function bannerFor(source: 'env' | 'file' | 'generated'): string {
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  const config = { advertisedHost: '127.0.0.1', dataDir: '/data', tls: undefined, seedFile: undefined } as never;
  const stack = { seed: { tenants: [] }, sipPort: 5060, httpPort: 8080, storeEndpoint: 'x', adminToken: { token: 'SECRET-TOKEN-0123456789abcdefghijklmnop', source } } as never;
  printBanner(config, stack);
  const out = log.mock.calls.map((c) => String(c[0])).join('\n');
  log.mockRestore();
  return out;
}

describe('start banner and the admin token', () => {
  afterEach(() => vi.restoreAllMocks());
  it('does not print a token kept from an earlier start, but says where it is kept', () => {
    const out = bannerFor('file');
    expect(out).not.toContain('SECRET-TOKEN');
    expect(out).toContain('/data/admin-token');
  });
  it('does not print a token from PBX_ADMIN_TOKEN', () => {
    expect(bannerFor('env')).not.toContain('SECRET-TOKEN');
  });
  it('prints a token generated just now, once, with where it is kept', () => {
    const out = bannerFor('generated');
    expect(out).toContain('SECRET-TOKEN');
    expect(out).toContain('/data/admin-token');
  });
});
