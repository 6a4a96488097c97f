/**
 * The settings the admin API reads and edits: a tenant's MSS system
 * variables (TENANT#<t> / SETTINGS) and the system-wide ones (SYSTEM /
 * SETTINGS: fail-to-ban and gVarSipRegSameDialog). Each setting is its own
 * attribute, written with SET (a value) or REMOVE (null: back to the
 * default), so editing one never overwrites another section.
 *
 * Readers elsewhere: trunks/trunk-repository.ts (gVarSipRegSameDialog),
 * fail-to-ban/system-settings-repository.ts (f2b, cached 10 s by the
 * register function: the bound on how soon a fail-to-ban change applies).
 */
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { f2bSettingsFrom, type F2bSettings } from '../../../contracts/fail-to-ban/f2b-settings.js';
import type { ItemKey } from '../store/keys.js';
import { asRegSameDialog, type RegSameDialog } from '../trunks/reg-same-dialog.js';
import { tenantSettingsKey } from '../trunks/trunk-repository.js';

const SYSTEM_SETTINGS_KEY: ItemKey = { pk: 'SYSTEM', sk: 'SETTINGS' };

export interface TenantSettings {
  gVarSipRegSameDialog?: RegSameDialog;
}

export interface SystemSettings {
  f2b: F2bSettings;
  gVarSipRegSameDialog?: RegSameDialog;
}

/** undefined = leave as is, null = remove (back to the default). */
export type SettingsUpdate = Record<string, unknown | null>;

export class SettingsRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getTenantSettings(tenantId: string): Promise<TenantSettings> {
    const item = await this.get(tenantSettingsKey(tenantId));
    const reg = asRegSameDialog(item?.gVarSipRegSameDialog);
    return reg !== undefined ? { gVarSipRegSameDialog: reg } : {};
  }

  async getSystemSettings(): Promise<SystemSettings> {
    const item = await this.get(SYSTEM_SETTINGS_KEY);
    const reg = asRegSameDialog(item?.gVarSipRegSameDialog);
    return { f2b: f2bSettingsFrom(item?.f2b), ...(reg !== undefined ? { gVarSipRegSameDialog: reg } : {}) };
  }

  async updateTenantSettings(tenantId: string, update: SettingsUpdate): Promise<void> {
    await this.update(tenantSettingsKey(tenantId), update);
  }

  async updateSystemSettings(update: SettingsUpdate): Promise<void> {
    await this.update(SYSTEM_SETTINGS_KEY, update);
  }

  private async get(key: ItemKey): Promise<Record<string, unknown> | undefined> {
    const res = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return res.Item;
  }

  private async update(key: ItemKey, update: SettingsUpdate): Promise<void> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets: string[] = [];
    const removes: string[] = [];
    Object.entries(update).forEach(([attribute, value], i) => {
      if (value === undefined) return;
      names[`#a${i}`] = attribute;
      if (value === null) removes.push(`#a${i}`);
      else {
        values[`:v${i}`] = value;
        sets.push(`#a${i} = :v${i}`);
      }
    });
    if (sets.length === 0 && removes.length === 0) return;
    const expression = [sets.length > 0 ? `SET ${sets.join(', ')}` : '', removes.length > 0 ? `REMOVE ${removes.join(', ')}` : ''].filter(Boolean).join(' ');
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression: expression,
        ExpressionAttributeNames: names,
        ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
      }),
    );
  }
}
