import { createDocumentClient, createDynamoClient } from '../../../contracts/store/dynamo-client.js';
import type { InProcessStore } from '../../../contracts/store/in-process-store.js';
import { DirectoryRepository } from '../directory/directory-repository.js';
import { ensureTables } from '../store/ensure-table.js';
import { applySeed } from './apply-seed.js';
import { SystemSettingsRepository } from '../fail-to-ban/system-settings-repository.js';
import { TrunkRepository } from '../trunks/trunk-repository.js';
import type { Seed } from './seed-schema.js';

/**
 * The local stack's view of the store: create the table from the shared
 * definition, apply the seed (tenants, users, system settings, trunks), and
 * answer the health check. The functions open
 * their own clients, as they would on Lambda. The store is an HTTP endpoint
 * or, for the local stack's embedded one, the store in this process.
 */
export class StoreBootstrap {
  private readonly client;
  private readonly directory;
  private readonly system;
  private readonly trunks;

  constructor(store: string | InProcessStore, private readonly tableName: string) {
    const connection = typeof store === 'string' ? { endpoint: store } : { inProcess: store };
    this.client = createDynamoClient(connection);
    const doc = createDocumentClient(connection);
    this.directory = new DirectoryRepository(doc, tableName);
    this.system = new SystemSettingsRepository(doc, tableName);
    this.trunks = new TrunkRepository(doc, tableName);
  }

  async prepare(seed: Seed): Promise<void> {
    await ensureTables(this.client, this.tableName);
    // Trunks and gVarSipRegSameDialog settings too (trunk passwords are stored, never logged).
    await applySeed({ directory: this.directory, system: this.system, trunks: this.trunks }, seed);
  }

  /** True when the store answers a read (the tenant looked up need not exist). */
  async check(): Promise<boolean> {
    try {
      await this.directory.getTenant('healthz');
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    this.client.destroy();
  }
}
