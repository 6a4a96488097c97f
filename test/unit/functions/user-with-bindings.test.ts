/**
 * What the combined user-and-bindings read does with keys the store left
 * unprocessed (BatchGetItem under throttling): the user is read on its own,
 * and bindings the batch did not return are not remembered (loadBindings
 * then reads them). The store's answers are scripted: a throttled batch
 * cannot be produced on demand by an emulator.
 */
import { describe, expect, it } from 'vitest';
import { UserWithBindingsReader } from '../../../functions/src/registration/user-with-bindings.js';
import type { UserAccount } from '../../../functions/src/directory/user-account.js';

const USER_ITEM = { pk: 'TENANT#acme', sk: 'USER#1001', ext: '1001', ha1: { MD5: 'x', 'SHA-256': 'y' }, multiDevice: false, maxDevices: 3 };
const BINDINGS_ITEM = { pk: 'TENANT#acme', sk: 'BINDINGS#1001', bindings: [], version: 4 };

function reader(answer: { items: Record<string, unknown>[]; unprocessed: string[] }) {
  const remembered: Array<[string, unknown]> = [];
  const singleReads: string[] = [];
  const doc = {
    send: async () => ({
      Responses: { t: answer.items },
      ...(answer.unprocessed.length ? { UnprocessedKeys: { t: { Keys: answer.unprocessed.map((sk) => ({ pk: 'TENANT#acme', sk })) } } } : {}),
    }),
  };
  const bindings = { rememberItem: (aor: { ext: string }, item: unknown) => void remembered.push([aor.ext, item]), remembers: () => false };
  const directory = {
    getUser: async (_t: string, ext: string): Promise<UserAccount> => {
      singleReads.push(ext);
      return { tenantId: 'acme', ext, ha1: USER_ITEM.ha1, multiDevice: false, maxDevices: 3 };
    },
  };
  return { read: new UserWithBindingsReader(doc as never, 't', bindings, directory), remembered, singleReads };
}

describe('the combined read of a user and its bindings', () => {
  it('uses both items of a complete answer', async () => {
    const r = reader({ items: [BINDINGS_ITEM, USER_ITEM], unprocessed: [] });
    expect((await r.read.getUser('acme', '1001'))?.ext).toBe('1001');
    expect(r.remembered).toEqual([['1001', BINDINGS_ITEM]]);
    expect(r.singleReads).toEqual([]);
  });

  it('remembers "no bindings item" when the store has none', async () => {
    const r = reader({ items: [USER_ITEM], unprocessed: [] });
    await r.read.getUser('acme', '1001');
    expect(r.remembered).toEqual([['1001', undefined]]);
  });

  it('reads an unprocessed user on its own', async () => {
    const r = reader({ items: [BINDINGS_ITEM], unprocessed: ['USER#1001'] });
    expect((await r.read.getUser('acme', '1001'))?.ext).toBe('1001');
    expect(r.singleReads).toEqual(['1001']);
    expect(r.remembered).toEqual([['1001', BINDINGS_ITEM]]);
  });

  it('remembers nothing for unprocessed bindings: an absent item there is not "no item"', async () => {
    const r = reader({ items: [USER_ITEM], unprocessed: ['BINDINGS#1001'] });
    expect((await r.read.getUser('acme', '1001'))?.ext).toBe('1001');
    expect(r.remembered).toEqual([]);
  });
});
