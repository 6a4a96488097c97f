/**
 * The CDK app's template, asserted resource by resource: the table from the
 * shared definition, each catalog function (runtime, handler, environment,
 * exact IAM actions), the bus rules from the shared routes, the schedules,
 * the edge service behind the NLB, the admin API's JWT authorizer and the
 * softphone site. One synth for the whole file.
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { EVENT_ROUTES } from '../../contracts/bus/event-routes.js';
import { EDGE_READABLE_PARTITIONS, FUNCTION_CATALOG, scheduleExpression, isSchedule } from '../../infra/function-catalog.js';
import { PBX_TABLE, toCreateTableInput } from '../../contracts/store/tables.js';
import { actionsOf, lambdaNamed, resourcesOf, roleOf, statementsOfRole, synthStack, TEST_CERTIFICATE_ARN, type Statement } from './synth-stack.js';

let template: Template;
let tableId: string;
let busId: string;
let secretId: string;

beforeAll(() => {
  ({ template } = synthStack({
    context: {
      'nimbus:stage': 'test',
      'nimbus:domainName': 'pbx.example.com',
      'nimbus:certificateArn': TEST_CERTIFICATE_ARN,
      'nimbus:deletionProtection': true,
      'nimbus:tracing': 'true',
      'nimbus:edgeDesiredCount': 2,
      'nimbus:edgeMaxCount': '6',
      'nimbus:edgeFlowsPerTask': 1000,
      'nimbus:logRetentionDays': 14,
    },
    stubMissingHandlers: true,
  }));
  tableId = resourcesOf(template, 'AWS::DynamoDB::Table')[0]![0];
  busId = resourcesOf(template, 'AWS::Events::EventBus')[0]![0];
  secretId = resourcesOf(template, 'AWS::SecretsManager::Secret')[0]![0];
}, 60_000);

const tableArn = () => ({ 'Fn::GetAtt': [tableId, 'Arn'] });
const tableIndexArn = () => ({ 'Fn::Join': ['', [tableArn(), '/index/*']] });
/** The logical id of a batched route's queue (infra/pbx-event-routing.ts: `<route id>Queue`). */
const queueOf = (routeId: string) => {
  const ids = resourcesOf(template, 'AWS::SQS::Queue').map(([id]) => id).filter((id) => id.startsWith(`Routing${routeId}Queue`));
  expect(ids).toHaveLength(1);
  return ids[0]!;
};
const functionArn = (name: string) => ({ 'Fn::GetAtt': [lambdaNamed(template, `nimbus-test-${name}`)[0], 'Arn'] });

describe('PBX table', () => {
  it('has the keys and gsi1 of the shared definition (contracts/store/tables.ts), on-demand', () => {
    const local = toCreateTableInput(PBX_TABLE, 'x');
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: local.KeySchema,
      AttributeDefinitions: Match.arrayWith(local.AttributeDefinitions!.map((a) => Match.objectEquals({ ...a }))),
      GlobalSecondaryIndexes: [
        { IndexName: 'gsi1', KeySchema: local.GlobalSecondaryIndexes![0]!.KeySchema, Projection: { ProjectionType: 'ALL' } },
      ],
    });
  });

  it('enables TTL on the ttl attribute, point-in-time recovery and (as configured) deletion protection', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
      }),
      DeletionPolicy: 'Retain',
    });
  });
});

describe.each(FUNCTION_CATALOG.map((e) => [e.name, e] as const))('function %s', (name, entry) => {
  it('runs Node.js 22 on ARM64 with index.handler, JSON logs with retention and X-Ray as configured', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: `nimbus-test-${name}`,
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON', LogGroup: Match.anyValue() }),
    });
    const [, props] = lambdaNamed(template, `nimbus-test-${name}`);
    const logGroupId = ((props.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup).Ref;
    expect(resourcesOf(template, 'AWS::Logs::LogGroup').find(([id]) => id === logGroupId)?.[1]).toMatchObject({ RetentionInDays: 14 });
  });

  it('gets the table name, the bus only when it publishes, and the nonce secret by ARN only (never its value)', () => {
    const [, props] = lambdaNamed(template, `nimbus-test-${name}`);
    const variables = (props.Environment as { Variables: Record<string, unknown> }).Variables;
    const pbxVariables = Object.keys(variables).filter((k) => k.startsWith('PBX_')).sort();
    expect(pbxVariables).toEqual(
      [
        'PBX_TABLE_NAME',
        ...(entry.publishesToBus ? ['PBX_EVENT_BUS_NAME'] : []),
        ...(entry.needsNonceSecret ? ['PBX_NONCE_SECRET_ARN'] : []),
        ...(name === 'register' ? ['PBX_PRIVATE_CONTACTS'] : []),
      ].sort(),
    );
    if (name === 'register') expect(variables.PBX_PRIVATE_CONTACTS).toBe('deny');
    expect(variables.PBX_TABLE_NAME).toEqual({ Ref: tableId });
    if (entry.publishesToBus) expect(variables.PBX_EVENT_BUS_NAME).toEqual({ Ref: busId });
    if (entry.needsNonceSecret) {
      expect(variables.PBX_NONCE_SECRET_ARN).toEqual({ Ref: secretId });
      // The Parameters and Secrets extension reads it at the first invocation.
      expect(props.Layers).toEqual([{ 'Fn::FindInMap': ['ParamsandsecretslayerMap', { Ref: 'AWS::Region' }, '1x0x103xarm64'] }]);
    }
  });

  it('may use exactly its catalog table actions, the bus and the secret only when its entry says so', () => {
    const [, props] = lambdaNamed(template, `nimbus-test-${name}`);
    const statements = statementsOfRole(template, roleOf(props));
    const dynamo = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    const usesIndex = entry.table.actions.includes('dynamodb:Query');
    // CDK writes a single action as a string, several as an array.
    expect(dynamo.map((s) => ({ ...s, Action: actionsOf(s) }))).toEqual([
      { Action: [...entry.table.actions].sort(), Effect: 'Allow', Resource: usesIndex ? [tableArn(), tableIndexArn()] : tableArn() },
    ]);
    const others = statements.filter((s) => !dynamo.includes(s) && !actionsOf(s).every((a) => a.startsWith('xray:')));
    // A function fed by a batched route reads (and deletes from) its queue, and nothing else of SQS.
    const batched = EVENT_ROUTES.some((r) => r.consumer.kind === 'function' && r.consumer.name === name && 'batching' in r);
    expect(others.map((s) => (Array.isArray(s.Action) ? { ...s, Action: [...s.Action].sort() } : s))).toEqual([
      ...(batched
        ? [
            {
              Action: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
              Effect: 'Allow',
              Resource: { 'Fn::GetAtt': [queueOf('CallEventsToCdr'), 'Arn'] },
            },
          ]
        : []),
      ...(entry.publishesToBus ? [{ Action: 'events:PutEvents', Effect: 'Allow', Resource: { 'Fn::GetAtt': [busId, 'Arn'] } }] : []),
      ...(entry.needsNonceSecret
        ? [{ Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], Effect: 'Allow', Resource: { Ref: secretId } }]
        : []),
    ]);
  });
});

describe('bus and schedules', () => {
  it('routes call events from the edges through an encrypted SQS queue (with its DLQ) to the cdr function in batches', () => {
    const route = EVENT_ROUTES.find((r) => r.id === 'CallEventsToCdr')!;
    expect(route.batching).toEqual({ maxBatchSize: 100, maxWindowSeconds: 1 });
    const queue = queueOf('CallEventsToCdr');
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: busId },
      EventPattern: { source: ['nimbus.edge'], 'detail-type': ['call.attempt', 'call.alert', 'call.answer', 'call.end'] },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [queue, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 21600 },
          DeadLetterConfig: { Arn: Match.anyValue() },
        }),
      ],
    });
    expect(route.pattern.detailType).toEqual(['call.attempt', 'call.alert', 'call.answer', 'call.end']);

    const queues = Object.fromEntries(resourcesOf(template, 'AWS::SQS::Queue'));
    const props = queues[queue] as Record<string, unknown>;
    // cdr's timeout is 30 s: six times that, so a batch in progress is not handed out twice.
    expect(props).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 4 * 86400, VisibilityTimeout: 180 });
    const redrive = props.RedrivePolicy as { deadLetterTargetArn: { 'Fn::GetAtt': [string, string] }; maxReceiveCount: number };
    expect(redrive.maxReceiveCount).toBe(5);
    expect(queues[redrive.deadLetterTargetArn['Fn::GetAtt'][0]]).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 86400 });

    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queue, 'Arn'] },
      FunctionName: { Ref: lambdaNamed(template, 'nimbus-test-cdr')[0] },
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    // The rule may send to the queue, and only the rule.
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queue }],
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([Match.objectLike({ Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'], Principal: { Service: 'events.amazonaws.com' } })]),
      }),
    });
  });

  it('routes ban, trunk and directory events to the event log', () => {
    for (const detailType of [['ban.added', 'ban.lifted'], ['trunk.status']]) {
      template.hasResourceProperties('AWS::Events::Rule', {
        EventBusName: { Ref: busId },
        EventPattern: Match.objectEquals({ 'detail-type': detailType }),
        Targets: [Match.objectLike({ Arn: { 'Fn::Join': ['', Match.arrayWith([':logs:'])] } })],
      });
    }
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: busId },
      EventPattern: Match.objectEquals({ source: ['nimbus.functions'], 'detail-type': ['directory.changed'] }),
      Targets: [Match.objectLike({ Arn: { 'Fn::Join': ['', Match.arrayWith([':logs:'])] } })],
    });
  });

  it('has one rule per shared route plus one schedule per scheduled function', () => {
    const scheduled = FUNCTION_CATALOG.filter((e) => isSchedule(e.trigger));
    template.resourceCountIs('AWS::Events::Rule', EVENT_ROUTES.length + scheduled.length);
  });

  it.each([
    ['reaper', 'rate(1 minute)'],
    ['rollup', 'cron(5 * * * ? *)'],
  ])('invokes %s on the default bus with %s', (name, expression) => {
    const entry = FUNCTION_CATALOG.find((e) => e.name === name)!;
    expect(isSchedule(entry.trigger) && scheduleExpression(entry.trigger.schedule)).toBe(expression);
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: expression,
      EventBusName: Match.absent(),
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: functionArn(name), RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 1800 } })],
    });
  });
});

describe('edge service', () => {
  it('listens for SIP on 5060 with one TCP_UDP listener (UDP and TCP) and for WSS on TLS 443 with the configured certificate', () => {
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 2);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 5060,
      Protocol: 'TCP_UDP',
      DefaultActions: [{ Type: 'forward', TargetGroupArn: Match.anyValue() }],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'TLS',
      Certificates: [{ CertificateArn: TEST_CERTIFICATE_ARN }],
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      DefaultActions: [{ Type: 'forward', TargetGroupArn: Match.anyValue() }],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Type: 'network', Scheme: 'internet-facing' });
  });

  it('health-checks both target groups on /healthz and keeps client addresses on the WebSocket one', () => {
    const healthCheck = { HealthCheckProtocol: 'HTTP', HealthCheckPort: '8080', HealthCheckPath: '/healthz', HealthCheckIntervalSeconds: 10 };
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: 5060, Protocol: 'TCP_UDP', TargetType: 'ip', ...healthCheck });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 8080,
      Protocol: 'TCP',
      TargetType: 'ip',
      ...healthCheck,
      TargetGroupAttributes: Match.arrayWith([{ Key: 'preserve_client_ip.enabled', Value: 'true' }]),
    });
  });

  it('runs the edge image on Fargate ARM64 with the Lambda invoker, the stage prefix and the secret injected by ECS', () => {
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
      RequiresCompatibilities: ['FARGATE'],
      ContainerDefinitions: Match.arrayWith([
        Match.objectLike({
          Name: 'edge',
          ReadonlyRootFilesystem: true,
          PortMappings: [
            { ContainerPort: 5060, Protocol: 'udp' },
            { ContainerPort: 5060, Protocol: 'tcp' },
            { ContainerPort: 8080, Protocol: 'tcp' },
          ],
          Secrets: [{ Name: 'PBX_NONCE_SECRET', ValueFrom: { Ref: secretId } }],
          HealthCheck: Match.objectLike({ Command: ['CMD', 'node', '-e', Match.stringLikeRegexp('/healthz')] }),
        }),
      ]),
    });
    const [, taskDefinition] = resourcesOf(template, 'AWS::ECS::TaskDefinition')[0]!;
    const containers = taskDefinition.ContainerDefinitions as { Name: string; Environment: { Name: string; Value: unknown }[] }[];
    const container = containers.find((c) => c.Name === 'edge');
    const environment = Object.fromEntries(container!.Environment.map((v) => [v.Name, v.Value]));
    expect(environment).toMatchObject({
      PBX_INVOKER: 'lambda',
      PBX_FUNCTION_PREFIX: 'nimbus-test-',
      PBX_BIND: '0.0.0.0',
      PBX_ADVERTISED_HOST: 'pbx.example.com',
      PBX_EVENT_BUS_NAME: { Ref: busId },
      PBX_TABLE_NAME: { Ref: tableId },
    });
    expect(environment).not.toHaveProperty('PBX_NONCE_SECRET');
    // Only the softphone's own site may open SIP over WebSocket from a browser (Origin check).
    expect(JSON.stringify(environment.PBX_WS_ORIGINS)).toMatch(/https:\/\/.*DomainName/);
    template.hasResourceProperties('AWS::ECS::Service', { LaunchType: 'FARGATE', DesiredCount: 2 });
  });

  it('updates every function the edge invokes before the edge service (a new edge may send what only new functions read)', () => {
    const [serviceId] = resourcesOf(template, 'AWS::ECS::Service')[0]!;
    const dependsOn = (template.toJSON().Resources[serviceId].DependsOn ?? []) as string[];
    const edgeFunctions = FUNCTION_CATALOG.filter((e) => e.trigger === 'edge').map((e) => e.name);
    expect(edgeFunctions).toContain('release-call');
    for (const name of edgeFunctions) expect(dependsOn).toContain(lambdaNamed(template, `nimbus-test-${name}`)[0]);
  });

  it('lets the edge invoke exactly the edge-invoked functions, read only ban items, check the table and publish events', () => {
    const [, taskDefinition] = resourcesOf(template, 'AWS::ECS::TaskDefinition')[0]!;
    const roleId = (taskDefinition.TaskRoleArn as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    const statements = statementsOfRole(template, roleId);
    const invoked = statements.filter((s) => actionsOf(s).includes('lambda:InvokeFunction'));
    const edgeFunctions = FUNCTION_CATALOG.filter((e) => e.trigger === 'edge').map((e) => e.name);
    expect(invoked.map((s) => (s.Resource as unknown[])[0])).toEqual(edgeFunctions.map(functionArn));
    expect(invoked.every((s) => actionsOf(s).length === 1)).toBe(true);
    const rest = statements.filter((s) => !invoked.includes(s));
    expect(EDGE_READABLE_PARTITIONS).toEqual(['BANS', 'SYSTEM']);
    expect(rest).toEqual<Statement[]>([
      {
        Action: ['dynamodb:GetItem', 'dynamodb:Query'],
        Effect: 'Allow',
        Resource: tableArn(),
        Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['BANS', 'SYSTEM'] } },
      },
      { Action: 'dynamodb:DescribeTable', Effect: 'Allow', Resource: tableArn() },
      { Action: 'events:PutEvents', Effect: 'Allow', Resource: { 'Fn::GetAtt': [busId, 'Arn'] } },
    ]);
  });

  it('scales between the desired and maximum count on CPU and on active flows per healthy task', () => {
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 6, ScalableDimension: 'ecs:service:DesiredCount' });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        TargetValue: 60,
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
      }),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1000,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'flows / MAX([tasks, 1])' }),
        Match.objectLike({ Id: 'flows', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'ActiveFlowCount', Namespace: 'AWS/NetworkELB' }) }) }),
        Match.objectLike({ Id: 'tasks', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'HealthyHostCount' }) }) }),
      ]),
    });
  });
});

describe('admin API', () => {
  it('protects every route of the HTTP API with a JWT authorizer of the Cognito admin pool', () => {
    const [clientId] = resourcesOf(template, 'AWS::Cognito::UserPoolClient')[0]!;
    const [poolId] = resourcesOf(template, 'AWS::Cognito::UserPool')[0]!;
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: clientId }],
        Issuer: { 'Fn::Join': ['', ['https://cognito-idp.', { Ref: 'AWS::Region' }, '.amazonaws.com/', { Ref: poolId }]] },
      },
    });
    const [authorizerId] = resourcesOf(template, 'AWS::ApiGatewayV2::Authorizer')[0]!;
    const routes = Object.fromEntries(resourcesOf(template, 'AWS::ApiGatewayV2::Route').map(([, r]) => [r.RouteKey as string, r]));
    expect(Object.keys(routes).sort()).toEqual(['ANY /admin/{proxy+}', 'ANY /api/{proxy+}']);
    expect(routes['ANY /admin/{proxy+}']).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: authorizerId } });
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', { IntegrationType: 'AWS_PROXY', IntegrationUri: functionArn('admin-api') });
    template.hasResourceProperties('AWS::Cognito::UserPool', { AdminCreateUserConfig: { AllowAdminCreateUserOnly: true } });
  });

  it('maps admins to roles with the nimbus-system group and a custom:tenants attribute', () => {
    const [poolId] = resourcesOf(template, 'AWS::Cognito::UserPool')[0]!;
    template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'nimbus-system', UserPoolId: { Ref: poolId } });
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      Schema: Match.arrayWith([Match.objectLike({ Name: 'tenants', AttributeDataType: 'String', Mutable: true })]),
    });
  });

  it('lets tenant tokens in on /api without the JWT authorizer (the function checks them), throttled', () => {
    const route = resourcesOf(template, 'AWS::ApiGatewayV2::Route').find(([, r]) => r.RouteKey === 'ANY /api/{proxy+}')![1];
    expect(route.AuthorizationType ?? 'NONE').toBe('NONE');
    expect(route.AuthorizerId).toBeUndefined();
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
  });
});

describe('softphone site', () => {
  it('serves the softphone from a private bucket through CloudFront over HTTPS only', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
        Origins: [Match.objectLike({ OriginAccessControlId: Match.anyValue() })],
      }),
    });
    template.resourceCountIs('Custom::CDKBucketDeployment', 2);
  });

  it('serves the admin console under /admin/ of the same site, pointed at the admin API\'s token route, which allows it by CORS', () => {
    const deployments = resourcesOf(template, 'Custom::CDKBucketDeployment').map(([, r]) => r);
    const console = deployments.find((d) => d.DestinationBucketKeyPrefix === 'admin/');
    expect(console).toMatchObject({ DistributionPaths: ['/admin/*'] });
    // The softphone's deployment leaves admin/ alone (no upload, no prune there).
    expect(deployments.find((d) => d.DestinationBucketKeyPrefix === undefined)).toMatchObject({ Exclude: ['admin/*'] });
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({ AllowOrigins: ['*'], AllowHeaders: ['authorization', 'content-type'], AllowMethods: ['GET', 'POST', 'PATCH', 'DELETE'] }),
    });
    template.hasOutput('*', { Value: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith(['/admin/index.html'])]) }) });
  });
});
