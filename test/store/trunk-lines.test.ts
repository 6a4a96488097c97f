/**
 * The trunk-lines function against a seeded dynalite: every registering
 * trunk of every tenant, with the credentials the edge needs and the
 * gVarSipRegSameDialog that applies (trunk → tenant → system → 1).
 */
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applySeed } from '../../functions/src/seed/apply-seed.js';
import { parseSeed } from '../../functions/src/seed/seed-schema.js';
import { createTrunkLinesHandler } from '../../functions/src/trunks/trunk-lines-handler.js';
import { startLocalDynamo, type LocalDynamo } from './local-dynamo.js';

const CONTEXT = {} as Context;

const SEED = parseSeed({
  tenants: [
    {
      id: 'acme',
      domains: ['acme.test'],
      users: [{ ext: '1001', password: 'pw-1001' }],
      settings: { gVarSipRegSameDialog: 0 },
      trunks: [
        { id: 'ip-carrier', kind: 'ip', host: '192.0.2.1', port: 5060 },
        {
          id: 'line-a', kind: 'register', host: 'sip.carrier.test', port: 5070, transport: 'tcp', username: 'acct1', authUser: 'auth1',
          password: 'line-a-secret', domain: 'carrier.test', expires: 600, outboundProxy: { host: '192.0.2.9' },
        },
        { id: 'line-b', kind: 'register', host: 'sip.carrier.test', username: 'acct2', password: 'line-b-secret', regSameDialog: 1 },
      ],
    },
    {
      id: 'globex',
      domains: ['globex.test'],
      users: [{ ext: '2001', password: 'pw-2001' }],
      trunks: [{ id: 'gline', kind: 'register', host: '198.51.100.5', username: 'g1', password: 'gline-secret' }],
    },
  ],
});

let db: LocalDynamo;
let lines: ReturnType<typeof createTrunkLinesHandler>;

beforeAll(async () => {
  db = await startLocalDynamo();
  await applySeed({ directory: db.stores.directory, trunks: db.stores.trunks }, SEED);
  lines = createTrunkLinesHandler({ trunks: db.stores.trunks });
});

afterAll(async () => {
  await db?.close();
});

describe('trunk-lines (dynalite)', () => {
  it('lists every registering trunk of every tenant (no IP trunk), with the password and the effective gVarSipRegSameDialog', async () => {
    const result = await lines({ type: 'trunk-lines' }, CONTEXT);
    expect(result.lines).toEqual([
      {
        tenantId: 'acme', id: 'line-a', kind: 'register', host: 'sip.carrier.test', port: 5070, transport: 'tcp', username: 'acct1', authUser: 'auth1',
        password: 'line-a-secret', domain: 'carrier.test', expires: 600, outboundProxy: { host: '192.0.2.9', port: 5060 },
        regSameDialog: 0, // the tenant's setting
      },
      {
        tenantId: 'acme', id: 'line-b', kind: 'register', host: 'sip.carrier.test', port: 5060, transport: 'udp', username: 'acct2',
        password: 'line-b-secret', expires: 3600,
        regSameDialog: 1, // the trunk's own value beats the tenant's 0
      },
      {
        tenantId: 'globex', id: 'gline', kind: 'register', host: '198.51.100.5', port: 5060, transport: 'udp', username: 'g1',
        password: 'gline-secret', expires: 3600,
        regSameDialog: 1, // nothing set anywhere: RFC 3261 behaviour
      },
    ]);
  });

  it('refuses an event of another type', async () => {
    await expect(lines({ type: 'trunk-lease' } as never, CONTEXT)).rejects.toThrow(/type/);
  });
});
