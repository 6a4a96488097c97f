/**
 * The document client the repositories use, with the SDK's middleware
 * stack resolved once per operation instead of once per request (issue 14).
 *
 * Why: under REGISTER load the AWS SDK was the largest layer of the main
 * thread's CPU profile, and much of it is per-request set-up, not work: the
 * middleware list sorted and expanded anew for every `send`. The client
 * option `cacheMiddleware` keeps the resolved handler per command class,
 * but lib-dynamodb refuses it: a document command's cached handler would
 * send the first command's input again. So the document commands the
 * repositories use are translated here into their low-level commands,
 * marshalled with util-dynamodb exactly as lib-dynamodb does (the same
 * fields, `removeUndefinedValues`), and sent on a second client that
 * caches its handlers and shares the first one's HTTP handler. Any other
 * command, or one sent with per-request options, goes the usual way.
 *
 * Errors are the SDK's own (ConditionalCheckFailedException …): nothing of
 * what the repositories catch changes.
 */
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand as QueryItemsCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall, type marshallOptions } from '@aws-sdk/util-dynamodb';

/** What createDocumentClient has always used: attributes set to undefined are left out. */
const DOCUMENT_MARSHALL_OPTIONS: Readonly<marshallOptions> = Object.freeze({ removeUndefinedValues: true });
/** An item's own map, not wrapped in `{ M }` (lib-dynamodb's default for a whole container, which it applies value by value). */
const ITEM_MARSHALL_OPTIONS: Readonly<marshallOptions> = Object.freeze({ ...DOCUMENT_MARSHALL_OPTIONS, convertTopLevelContainer: false });

type Native = Record<string, unknown>;
type Wire = Record<string, AttributeValue>;
type Fields = Record<string, unknown>;

// An item or key is a map of attribute values, as lib-dynamodb marshals it value by value.
const toWire = (item: Native): Wire => marshall(item, ITEM_MARSHALL_OPTIONS) as Wire;
const fromWire = (item: Wire): Native => unmarshall(item);

/** A copy of `obj` with `field` converted, when it is there (an absent field stays absent). */
function convert<T>(obj: Fields, field: string, fn: (value: T) => unknown): Fields {
  const value = obj[field];
  return value === undefined ? obj : { ...obj, [field]: fn(value as T) };
}

/** `convert` of several fields that each hold one item, key or value map. */
const mapsToWire = (obj: Fields, ...fields: string[]) => fields.reduce((o, f) => convert(o, f, toWire), obj);
const mapsFromWire = (obj: Fields, ...fields: string[]) => fields.reduce((o, f) => convert(o, f, fromWire), obj);

/** `{ [table]: value }` with every table's value converted. */
const perTable = <T>(fn: (value: T) => unknown) => (tables: Record<string, T>) =>
  Object.fromEntries(Object.entries(tables).map(([table, value]) => [table, fn(value)]));

type WriteRequest = { PutRequest?: { Item: Native }; DeleteRequest?: { Key: Native } };
const writeRequestToWire = (r: WriteRequest) =>
  convert(convert(r as Fields, 'PutRequest', (p: Fields) => mapsToWire(p, 'Item')), 'DeleteRequest', (d: Fields) => mapsToWire(d, 'Key'));
const writeRequestFromWire = (r: Fields) =>
  convert(convert(r, 'PutRequest', (p: Fields) => mapsFromWire(p, 'Item')), 'DeleteRequest', (d: Fields) => mapsFromWire(d, 'Key'));

interface Translation {
  /** The DynamoDB operation (GetItem …), as store-timing names it. */
  operation: string;
  /** The low-level command of this input. */
  command(input: Fields): { input: object };
  /** The document output of the low-level one. */
  output(out: Fields): Fields;
}

/** The document commands of this codebase and the fields of each that hold items (lib-dynamodb's input and output key nodes). */
const TRANSLATIONS = new Map<Function, Translation>([
  [GetCommand, { operation: 'GetItem', command: (i) => new GetItemCommand(mapsToWire(i, 'Key') as never), output: (o) => mapsFromWire(o, 'Item') }],
  [
    PutCommand,
    {
      operation: 'PutItem',
      command: (i) => new PutItemCommand(mapsToWire(i, 'Item', 'ExpressionAttributeValues') as never),
      output: (o) => mapsFromWire(o, 'Attributes'),
    },
  ],
  [
    UpdateCommand,
    {
      operation: 'UpdateItem',
      command: (i) => new UpdateItemCommand(mapsToWire(i, 'Key', 'ExpressionAttributeValues') as never),
      output: (o) => mapsFromWire(o, 'Attributes'),
    },
  ],
  [
    DeleteCommand,
    {
      operation: 'DeleteItem',
      command: (i) => new DeleteItemCommand(mapsToWire(i, 'Key', 'ExpressionAttributeValues') as never),
      output: (o) => mapsFromWire(o, 'Attributes'),
    },
  ],
  [
    QueryCommand,
    {
      operation: 'Query',
      command: (i) => new QueryItemsCommand(mapsToWire(i, 'ExclusiveStartKey', 'ExpressionAttributeValues') as never),
      output: (o) => mapsFromWire(convert(o, 'Items', (items: Wire[]) => items.map(fromWire)), 'LastEvaluatedKey'),
    },
  ],
  [
    BatchGetCommand,
    {
      operation: 'BatchGetItem',
      command: (i) => new BatchGetItemCommand(convert(i, 'RequestItems', perTable((t: Fields) => convert(t, 'Keys', (keys: Native[]) => keys.map(toWire)))) as never),
      output: (o) =>
        convert(
          convert(o, 'Responses', perTable((items: Wire[]) => items.map(fromWire))),
          'UnprocessedKeys',
          perTable((t: Fields) => convert(t, 'Keys', (keys: Wire[]) => keys.map(fromWire))),
        ),
    },
  ],
  [
    BatchWriteCommand,
    {
      operation: 'BatchWriteItem',
      command: (i) => new BatchWriteItemCommand(convert(i, 'RequestItems', perTable((rs: WriteRequest[]) => rs.map(writeRequestToWire))) as never),
      output: (o) => convert(o, 'UnprocessedItems', perTable((rs: Fields[]) => rs.map(writeRequestFromWire))),
    },
  ],
]);

/** The DynamoDB operation a document command sends (GetCommand → GetItem), as store-timing names it. */
export function wireOperationOf(command: object): string | undefined {
  return TRANSLATIONS.get(command.constructor)?.operation;
}

export class CachedDocumentClient extends DynamoDBDocumentClient {
  /**
   * @param client the document client's own (no handler cache: lib-dynamodb
   *   checks), for every command this class does not translate;
   * @param cached a client of the same configuration with `cacheMiddleware: true`.
   */
  constructor(
    client: DynamoDBClient,
    private readonly cached: DynamoDBClient,
  ) {
    // A copy: lib-dynamodb writes its defaults into the options object it is given.
    super(client, { marshallOptions: { ...DOCUMENT_MARSHALL_OPTIONS } });
  }

  // The base's overloads all end here; options or a callback mean the usual path.
  override send(command: unknown, ...rest: unknown[]): Promise<never> {
    const translation = rest.length === 0 ? TRANSLATIONS.get((command as object).constructor) : undefined;
    if (!translation) return (super.send as (...args: unknown[]) => Promise<never>)(command, ...rest);
    const wire = translation.command((command as { input: Fields }).input);
    return this.cached.send(wire as never).then((out) => translation.output(out as unknown as Fields) as never);
  }

  override destroy(): void {
    super.destroy();
    this.cached.destroy();
  }
}
