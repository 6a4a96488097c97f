import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../functions/src/store/dynamo-client.js';
import { readFileSync } from 'node:fs';
const endpoint = readFileSync('/tmp/f2bplay/data/store-endpoint', 'utf8').trim();
const doc = createDocumentClient({ endpoint });
const res = await doc.send(new ScanCommand({ TableName: 'nimbus-pbx' }));
for (const i of res.Items ?? []) if (!String(i.pk).startsWith('TENANT') && !String(i.pk).startsWith('DOMAIN')) console.log(JSON.stringify(i));
doc.destroy();
