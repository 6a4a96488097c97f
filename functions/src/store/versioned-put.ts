import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The write half of optimistic concurrency: put `item` with version
 * expectedVersion + 1 only if the stored version is still `expectedVersion`
 * (0 = the item must not exist yet). False when another writer got there
 * first; the caller re-reads and decides again. A single conditional put,
 * so it behaves the same on DynamoDB, DynamoDB Local and dynalite.
 */
export async function putIfVersion(
  doc: Pick<DynamoDBDocumentClient, 'send'>,
  tableName: string,
  item: Record<string, unknown>,
  expectedVersion: number,
): Promise<boolean> {
  try {
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...item, version: expectedVersion + 1 },
        ...(expectedVersion === 0
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              ConditionExpression: '#version = :expected',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':expected': expectedVersion },
            }),
      }),
    );
    return true;
  } catch (err) {
    if (err instanceof Error && err.name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
}
