/**
 * System-wide settings (the seed's top-level "system" object) in the PBX
 * table, one item:
 *
 * | Item            | pk      | sk        | attributes |
 * |-----------------|---------|-----------|------------|
 * | system settings | SYSTEM  | SETTINGS  | f2b {enabled, maxFailures, windowSeconds, banSeconds, whitelist} |
 *
 * Each section is its own attribute (SET f2b = …), so later sections (other
 * MSS system variables) can be written without overwriting this one.
 */
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { f2bSettingsFrom, type F2bSettings } from '../../../contracts/fail-to-ban/f2b-settings.js';
import { SYSTEM_SETTINGS_KEY } from '../../../contracts/fail-to-ban/ban-items.js';


export interface SystemSettingsReader {
  /** The stored fail-to-ban settings; the defaults when none are stored. */
  getF2bSettings(): Promise<F2bSettings>;
}

export class SystemSettingsRepository implements SystemSettingsReader {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getF2bSettings(): Promise<F2bSettings> {
    const res = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: SYSTEM_SETTINGS_KEY }));
    return f2bSettingsFrom(res.Item?.f2b);
  }

  async putF2bSettings(settings: F2bSettings): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: SYSTEM_SETTINGS_KEY,
        UpdateExpression: 'SET #f2b = :f2b',
        ExpressionAttributeNames: { '#f2b': 'f2b' },
        ExpressionAttributeValues: { ':f2b': settings },
      }),
    );
  }
}
