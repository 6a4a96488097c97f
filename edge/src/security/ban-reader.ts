/**
 * The edge's one read of the store: the ban list and the fail-to-ban
 * settings (contracts/fail-to-ban/ban-items.ts), polled by the ban watcher.
 * A Query of one small partition and a Get every few seconds is cheaper
 * than a Lambda invoke, and the edge's IAM role may read exactly these two
 * partitions (infra/function-catalog.ts EDGE_READABLE_PARTITIONS).
 */
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryAll } from '../../../contracts/store/query-all.js';
import { BANS_PK, SYSTEM_SETTINGS_KEY, banFromItem } from '../../../contracts/fail-to-ban/ban-items.js';
import { isActive, type Ban } from '../../../contracts/fail-to-ban/ban.js';
import { f2bSettingsFrom, type F2bSettings } from '../../../contracts/fail-to-ban/f2b-settings.js';

export class StoreBanReader {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Active bans; every page of the BANS partition (it only holds addresses banned now or lately). */
  async listBans(now: number): Promise<Ban[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': BANS_PK },
      ConsistentRead: true,
    });
    return items.map(banFromItem).filter((ban): ban is Ban => ban !== undefined && isActive(ban, now));
  }

  async getF2bSettings(): Promise<F2bSettings> {
    const res = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: SYSTEM_SETTINGS_KEY }));
    return f2bSettingsFrom(res.Item?.f2b);
  }
}
