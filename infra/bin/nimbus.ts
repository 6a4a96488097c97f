/**
 * The CDK app (cdk.json: `npx tsx infra/bin/nimbus.ts`). The stage comes from
 * context (infra/stage-config.ts); the stack is environment-agnostic, so
 * `cdk synth` needs no AWS account and `cdk deploy` goes to the account and
 * region of the current credentials.
 */
import { App } from 'aws-cdk-lib';
import { NimbusStack } from '../nimbus-stack.js';
import { StageConfigError, stageConfigFromContext } from '../stage-config.js';

const app = new App();
let config;
try {
  config = stageConfigFromContext((key) => app.node.tryGetContext(key));
} catch (err) {
  if (err instanceof StageConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
new NimbusStack(app, `Nimbus-${config.stage}`, {
  config,
  description: `Nimbus PBX (${config.stage}): serverless SIP PBX`,
});
app.synth();
