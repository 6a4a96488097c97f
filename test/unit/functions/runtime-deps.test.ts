import { describe, expect, it, vi } from 'vitest';
import { memoizeByEnv } from '../../../functions/src/runtime/functions-runtime.js';

describe('memoizeByEnv (handler dependencies from the environment)', () => {
  it('builds once while the variables it reads stay the same', () => {
    const build = vi.fn((env: Record<string, string | undefined>) => ({ endpoint: env.PBX_DYNAMODB_ENDPOINT }));
    const get = memoizeByEnv(['PBX_DYNAMODB_ENDPOINT'], build);
    const a = get({ PBX_DYNAMODB_ENDPOINT: 'http://127.0.0.1:1', UNRELATED: 'x' });
    const b = get({ PBX_DYNAMODB_ENDPOINT: 'http://127.0.0.1:1', UNRELATED: 'y' });
    expect(b).toBe(a);
    expect(build).toHaveBeenCalledTimes(1);
  });

  it('rebuilds when the local stack re-points the functions at another store', () => {
    const get = memoizeByEnv(['PBX_DYNAMODB_ENDPOINT'], (env) => ({ endpoint: env.PBX_DYNAMODB_ENDPOINT }));
    expect(get({ PBX_DYNAMODB_ENDPOINT: 'http://127.0.0.1:1' }).endpoint).toBe('http://127.0.0.1:1');
    expect(get({ PBX_DYNAMODB_ENDPOINT: 'http://127.0.0.1:2' }).endpoint).toBe('http://127.0.0.1:2');
  });

  it('does not cache a failed build, so fixing the environment recovers', () => {
    const get = memoizeByEnv(['PBX_NONCE_SECRET'], (env) => {
      if (!env.PBX_NONCE_SECRET) throw new Error('PBX_NONCE_SECRET: is required');
      return env.PBX_NONCE_SECRET;
    });
    expect(() => get({})).toThrow(/PBX_NONCE_SECRET/);
    expect(get({ PBX_NONCE_SECRET: 's' })).toBe('s');
  });
});
