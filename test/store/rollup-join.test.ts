/**
 * A warm container joins a tenant to the hourly rollup once per bound
 * (issue 14: every user coming online used to repeat the same UpdateItem),
 * against dynalite: the ROLLUP item is written the first time, not again
 * within PBX_DIRECTORY_CACHE_SECONDS, again after it or at once when told
 * the tenant changed (a deleted tenant's ROLLUP item goes with it).
 */
import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnlineRepository } from '../../functions/src/reports/online-repository.js';
import { rollupTenantKey } from '../../functions/src/reports/report-repository.js';
import { createDocumentClient, createDynamoClient } from '../../contracts/store/dynamo-client.js';
import { serveDynalite } from '../../edge/src/local-stack/embedded-store.js';
import { ensureTables } from '../../functions/src/store/ensure-table.js';

const TABLE = 'nimbus-rollup-join-test';

describe('joining a tenant to the rollup from a warm container', () => {
  let store: Awaited<ReturnType<typeof serveDynalite>>;
  const requests: string[] = [];
  let doc: ReturnType<typeof createDocumentClient>;
  let clock = Date.parse('2026-12-03T10:00:00.000Z');

  beforeAll(async () => {
    store = await serveDynalite();
    const client = createDynamoClient({ inProcess: store.inProcess });
    await ensureTables(client, TABLE);
    client.destroy();
    doc = createDocumentClient({ inProcess: store.inProcess, observe: (operation) => requests.push(operation) });
  });
  afterAll(async () => {
    doc?.destroy();
    await store?.close();
  });

  const rollupItem = async () => (await doc.send(new GetCommand({ TableName: TABLE, Key: rollupTenantKey('acme'), ConsistentRead: true }))).Item;

  it('writes the ROLLUP item once within the bound, again after it, and at once after forgetJoined', async () => {
    const online = new OnlineRepository(doc, TABLE, { joinedTtlMs: 5_000, now: () => clock });
    const writes = () => requests.filter((r) => r === 'UpdateItem').length;

    await online.joinRollup('acme', '2026-12-03T10:00:00.000Z');
    expect(writes()).toBe(1);
    expect(await rollupItem()).toMatchObject({ tenantId: 'acme', since: '2026-12-03T10:00:00.000Z' });

    // More users of acme come online within the bound: nothing written.
    clock += 4_000;
    await online.joinRollup('acme', '2026-12-03T10:00:04.000Z');
    expect(writes()).toBe(1);

    // The tenant is deleted (its ROLLUP item with it): past the bound the next user online joins it again.
    await doc.send(new DeleteCommand({ TableName: TABLE, Key: rollupTenantKey('acme') }));
    clock += 1_000;
    await online.joinRollup('acme', '2026-12-03T10:00:05.000Z');
    expect(writes()).toBe(2);
    expect(await rollupItem()).toMatchObject({ since: '2026-12-03T10:00:05.000Z' });

    // Told of the change (directory.changed where the bus reaches): joined again on the next user online.
    await doc.send(new DeleteCommand({ TableName: TABLE, Key: rollupTenantKey('acme') }));
    online.forgetJoined('acme');
    await online.joinRollup('acme', '2026-12-03T10:00:06.000Z');
    expect(writes()).toBe(3);
    expect(await rollupItem()).toMatchObject({ since: '2026-12-03T10:00:06.000Z' });
  });

  it('a failed write is not remembered', async () => {
    const online = new OnlineRepository(doc, 'no-such-table', { joinedTtlMs: 60_000, now: () => clock });
    await expect(online.joinRollup('acme', '2026-12-03T10:00:00.000Z')).rejects.toThrow();
    await expect(online.joinRollup('acme', '2026-12-03T10:00:00.000Z')).rejects.toThrow();
  });
});
