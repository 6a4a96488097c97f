/**
 * The catalog lists functions whose handlers other engineers are still
 * writing: the app must synth without them and grow as they land. Also the
 * optional parts: no certificate → no TLS listener; no admin handler → no API.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { existsSync } from 'node:fs';
import { resourcesOf, synthStack } from './synth-stack.js';
import type { NimbusStack } from '../../infra/nimbus-stack.js';

const MISSING = ['cdr', 'rollup', 'admin-api'];

let stack: NimbusStack;
let template: Template;

beforeAll(() => {
  ({ stack, template } = synthStack({
    context: { 'nimbus:stage': 'grow' },
    // Pretend these handlers are not written yet, whatever the checkout holds.
    entryExists: (path) => !MISSING.some((name) => path.endsWith(`/${name}-handler.ts`)) && existsSync(path),
  }));
}, 60_000);

describe('a catalog ahead of its handlers', () => {
  it('creates Lambdas only for entries whose handler file exists and reports the others', () => {
    const names = resourcesOf(template, 'AWS::Lambda::Function').map(([, p]) => p.FunctionName).filter((n): n is string => typeof n === 'string');
    for (const name of MISSING) expect(names).not.toContain(`nimbus-grow-${name}`);
    expect(names).toContain('nimbus-grow-register');
    expect(stack.functions.pending).toEqual(expect.arrayContaining(MISSING));
    template.hasOutput('PendingFunctions', { Value: Match.stringLikeRegexp('cdr,rollup,admin-api') });
  });

  it('leaves out the rule and schedule of a missing consumer but keeps the event-log routes', () => {
    const rules = resourcesOf(template, 'AWS::Events::Rule').map(([, p]) => p);
    expect(rules.some((r) => JSON.stringify(r.EventPattern ?? {}).includes('call.end'))).toBe(false);
    expect(rules.some((r) => r.ScheduleExpression === 'cron(5 * * * ? *)')).toBe(false);
    const toEventLog = rules.filter((r) => JSON.stringify(r.Targets ?? []).includes(':logs:'));
    expect(toEventLog.map((r) => JSON.stringify(r.EventPattern ?? {}).match(/ban\.added|trunk\.status|directory\.changed/)?.[0]).sort()).toEqual(['ban.added', 'directory.changed', 'trunk.status']);
  });

  it('has no admin API without the admin handler and no TLS listener without a certificate', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 0);
    const listeners = resourcesOf(template, 'AWS::ElasticLoadBalancingV2::Listener').map(([, p]) => `${p.Protocol} ${p.Port}`);
    expect(listeners).toEqual(['TCP_UDP 5060']);
  });

  it('uses the stage defaults: no deletion protection, no tracing, one edge task', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: false });
    const lambdas = resourcesOf(template, 'AWS::Lambda::Function').filter(([, p]) => String(p.FunctionName ?? '').startsWith('nimbus-grow-'));
    for (const [, p] of lambdas) expect(p.TracingConfig).toBeUndefined();
    template.hasResourceProperties('AWS::ECS::Service', { DesiredCount: 1 });
  });
});
