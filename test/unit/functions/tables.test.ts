import { describe, expect, it } from 'vitest';
import { PBX_TABLE, toCreateTableInput } from '../../../contracts/store/tables.js';

describe('PBX table definition (contracts/store/tables.ts)', () => {
  it('converts to an on-demand CreateTable input with pk/sk and the gsi1 index', () => {
    expect(toCreateTableInput(PBX_TABLE, 'nimbus-pbx')).toEqual({
      TableName: 'nimbus-pbx',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'gsi1pk', AttributeType: 'S' },
        { AttributeName: 'gsi1sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'gsi1',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });
  });

  it('names the TTL attribute the stores write (epoch seconds)', () => {
    expect(PBX_TABLE.timeToLiveAttribute).toBe('ttl');
  });
});
