/**
 * Creates the PBX table when it does not exist yet (local bootstrap, tests).
 * In the cloud the CDK stack owns the table; this is never called there.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { PBX_TABLE, toCreateTableInput } from '../../../contracts/store/tables.js';

const errorName = (err: unknown): string | undefined => (err instanceof Error ? err.name : undefined);

export async function ensureTables(client: DynamoDBClient, tableName: string): Promise<void> {
  let created = false;
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (err) {
    if (errorName(err) !== 'ResourceNotFoundException') throw err;
    try {
      await client.send(new CreateTableCommand(toCreateTableInput(PBX_TABLE, tableName)));
      created = true;
    } catch (createErr) {
      // Another process (a second edge starting at the same time) won the race.
      if (errorName(createErr) !== 'ResourceInUseException') throw createErr;
    }
  }

  // Polls DescribeTable until TableStatus is ACTIVE. Short delays: emulators
  // are ready in milliseconds, the SDK defaults (20 s) would stall start-up.
  await waitUntilTableExists({ client, minDelay: 1, maxDelay: 5, maxWaitTime: 120 }, { TableName: tableName });

  if (created) {
    try {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: tableName,
          TimeToLiveSpecification: { AttributeName: PBX_TABLE.timeToLiveAttribute, Enabled: true },
        }),
      );
    } catch (err) {
      // dynalite does not implement TTL. Nothing depends on it: readers drop
      // expired bindings themselves, TTL is only the garbage collector.
      if (errorName(err) !== 'UnknownOperationException') throw err;
    }
  }
}
