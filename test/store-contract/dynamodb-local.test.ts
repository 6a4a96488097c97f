/**
 * The store contract against Amazon's DynamoDB Local (needs Java 17: Debian
 * openjdk-17-jre-headless). Without java the suite is skipped on a developer
 * machine and fails in CI (CI=true), like the SIPp tests.
 */
import { vi } from 'vitest';
import { hasTool } from '../support/require-tool.js';
import { startDynamoDbLocal } from './backends.js';
import { describeStoreContract } from './store-contract.js';

// DynamoDB Local (2.x and later) refuses an access key id with anything but
// letters and digits, so the adapter's built-in dummy key ("nimbus-local")
// is rejected; credentials in the environment take precedence over it.
vi.stubEnv('AWS_ACCESS_KEY_ID', 'nimbuscontract');
vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'nimbuscontract');

describeStoreContract('DynamoDB Local (Amazon, Java)', startDynamoDbLocal, hasTool('java'));
