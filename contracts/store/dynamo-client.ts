/**
 * The DynamoDB clients of the PBX table (AWS SDK v3), for every part that
 * talks to it: the functions' repositories, the edge's read of the ban list,
 * the local stack's table bootstrap. Repositories get a document client
 * injected, so the logic around them stays testable with plain data.
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CachedDocumentClient } from './cached-document-client.js';
import { unsignedLocalSigner, type InProcessStore } from './in-process-store.js';
import { timeStoreRequests, type StoreObserver } from './store-timing.js';

export interface DynamoClientOptions {
  /** Local emulator endpoint (dynalite, DynamoDB Local, LocalStack); defaults to PBX_DYNAMODB_ENDPOINT. */
  endpoint?: string;
  /**
   * A store in this process (the local stack's embedded dynalite): requests
   * go to it without a socket and unsigned (contracts/store/in-process-store.ts).
   * Takes the place of `endpoint`.
   */
  inProcess?: InProcessStore;
  /** Defaults to AWS_REGION, then us-east-1. */
  region?: string;
  /** Environment to read defaults and credentials presence from (tests pass their own). */
  env?: Record<string, string | undefined>;
  /** Told how long every request took (the edge's store latency metric for in-process functions). */
  observe?: StoreObserver;
}

/**
 * Emulators accept any signature, but the SDK refuses to sign without
 * credentials: with an endpoint and nothing in the environment, use dummy
 * static ones so a laptop without an AWS account just works. Real
 * credentials (or a profile) in the environment are left to the default
 * provider chain, e.g. for LocalStack setups that check them.
 */
const LOCAL_DUMMY_CREDENTIALS = { accessKeyId: 'nimbuslocal', secretAccessKey: 'nimbuslocal' };

function hasEnvCredentials(env: Record<string, string | undefined>): boolean {
  return Boolean((env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) || env.AWS_PROFILE || env.AWS_WEB_IDENTITY_TOKEN_FILE);
}

export function createDynamoClient(options: DynamoClientOptions = {}, extra: Partial<DynamoDBClientConfig> = {}): DynamoDBClient {
  const env = options.env ?? process.env;
  const endpoint = options.endpoint ?? (env.PBX_DYNAMODB_ENDPOINT || undefined);
  const region = options.region ?? (env.AWS_REGION || 'us-east-1');
  const config: DynamoDBClientConfig = { region, ...extra };
  if (options.inProcess) {
    // The store checks that a signature is there, never what it is: no provider chain, no SigV4.
    config.endpoint = options.inProcess.endpoint;
    config.requestHandler = options.inProcess.requestHandler;
    config.credentials = LOCAL_DUMMY_CREDENTIALS;
    config.signer = unsignedLocalSigner(LOCAL_DUMMY_CREDENTIALS.accessKeyId);
  } else if (endpoint) {
    config.endpoint = endpoint;
    if (!hasEnvCredentials(env)) config.credentials = LOCAL_DUMMY_CREDENTIALS;
  }
  const client = new DynamoDBClient(config);
  if (options.observe) timeStoreRequests(client, options.observe);
  return client;
}

/**
 * Document client (native JS values instead of AttributeValues); undefined
 * attributes are dropped. The repositories' commands run on a second client
 * that resolves its middleware once per operation (cached-document-client.ts);
 * both share one HTTP handler, so one connection pool.
 */
export function createDocumentClient(options: DynamoClientOptions = {}): DynamoDBDocumentClient {
  const client = createDynamoClient(options);
  const cached = createDynamoClient(options, { cacheMiddleware: true, requestHandler: client.config.requestHandler });
  return new CachedDocumentClient(client, cached);
}
