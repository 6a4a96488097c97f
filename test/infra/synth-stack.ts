/**
 * Synthesizes the Nimbus stack in this process for assertion tests. Lambda
 * bundling is skipped here (context aws:cdk:bundling-stacks = []): the
 * templates are the same, and the real esbuild bundling is proven by the
 * `cdk synth` CLI test. Handlers not written yet can be replaced by a stub
 * so every catalog entry shows up in the template.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CatalogEntry } from '../../infra/function-catalog.js';
import { NimbusStack, REPO_ROOT } from '../../infra/nimbus-stack.js';
import { stageConfigFromContext } from '../../infra/stage-config.js';

export const STUB_HANDLER = 'test/infra/fixtures/stub-handler.ts';
export const TEST_CERTIFICATE_ARN = 'arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';

export interface SynthOptions {
  context: Record<string, unknown>;
  entryExists?: (absolutePath: string) => boolean;
  /** Bundle the stub for every catalog entry whose handler file is missing. */
  stubMissingHandlers?: boolean;
}

export function synthStack(options: SynthOptions): { stack: NimbusStack; template: Template } {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const config = stageConfigFromContext((key) => options.context[key]);
  const exists = options.entryExists;
  const stack = new NimbusStack(app, `Nimbus-${config.stage}`, {
    config,
    ...(exists ? { entryExists: exists } : {}),
    ...(options.stubMissingHandlers
      ? { entryOverride: (e: CatalogEntry) => (existsSync(join(REPO_ROOT, e.entry)) ? undefined : STUB_HANDLER) }
      : {}),
  });
  return { stack, template: Template.fromStack(stack) };
}

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

export const resourcesOf = (template: Template, type: string): [string, Record<string, unknown>][] =>
  Object.entries(template.toJSON().Resources as Resources)
    .filter(([, r]) => r.Type === type)
    .map(([id, r]) => [id, r.Properties ?? {}]);

/** Logical id and properties of the Lambda named `functionName`. */
export function lambdaNamed(template: Template, functionName: string): [string, Record<string, unknown>] {
  const found = resourcesOf(template, 'AWS::Lambda::Function').find(([, p]) => p.FunctionName === functionName);
  if (!found) throw new Error(`no Lambda named ${functionName}`);
  return found;
}

export interface Statement {
  Action: string | string[];
  Effect: string;
  Resource: unknown;
  Condition?: unknown;
}

/** Every statement of the inline policies attached to a role (by logical id). */
export function statementsOfRole(template: Template, roleId: string): Statement[] {
  return resourcesOf(template, 'AWS::IAM::Policy')
    .filter(([, p]) => (p.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleId })))
    .flatMap(([, p]) => (p.PolicyDocument as { Statement: Statement[] }).Statement);
}

export const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);

/** The role logical id of a Lambda's `Role: {Fn::GetAtt: [id, 'Arn']}`. */
export const roleOf = (lambdaProps: Record<string, unknown>): string => (lambdaProps.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
