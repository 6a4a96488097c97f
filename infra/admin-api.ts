/**
 * The admin HTTP API: API Gateway HTTP API → the admin-api function.
 *
 * - `ANY /admin/{proxy+}`: behind a JWT authorizer fed by a Cognito user
 *   pool of admins. The function maps the token's groups or claims to a role
 *   (functions/src/admin-api/jwt-claims.ts): group `nimbus-system` = the
 *   operator, group `nimbus-tenant-<id>` or attribute `custom:tenants` = the
 *   admin of those tenants; a token with none gets 403.
 * - `ANY /api/{proxy+}`: tenant API tokens (`Authorization: Bearer nimbus_…`,
 *   created through the API, stored hashed). No authorizer: the function
 *   checks the token itself (one GetItem). No system token is configured in
 *   the cloud, so this route never reaches the system role; the stage's
 *   throttle bounds what unauthenticated noise can cost.
 *
 * Why JWT (Cognito) rather than IAM authorization: the API's callers are
 * people (an admin page in the browser, curl), not AWS services. A user pool
 * gives each admin their own login with password policy and MFA, browser-
 * friendly bearer tokens and groups for later per-tenant scoping, without
 * handing AWS credentials to admins or SigV4-signing requests in a browser.
 * Unauthenticated calls are refused by API Gateway before the function runs,
 * so they cost no Lambda time.
 *
 * CORS: the admin console is served by the softphone's CDN, another origin.
 * Any origin may call (`*`): every call carries its credentials in the
 * Authorization header, never in cookies, so a foreign page gains nothing a
 * script with the token would not have anyway.
 */
import { CfnOutput, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpNoneAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

export interface AdminApiProps {
  readonly stage: string;
  readonly handler: lambda.IFunction;
  readonly retainUsers: boolean;
}

export class AdminApi extends Construct {
  readonly api: apigwv2.HttpApi;
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, props: AdminApiProps) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, 'Admins', {
      userPoolName: `nimbus-${props.stage}-admins`,
      selfSignUpEnabled: false, // admins are invited (AdminCreateUser), never self-registered
      signInAliases: { email: true },
      passwordPolicy: { minLength: 12, requireDigits: true, requireLowercase: true, requireUppercase: true, requireSymbols: false },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      removalPolicy: props.retainUsers ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      // "acme,globex": the tenants this admin manages (alternative to nimbus-tenant-<id> groups; in the ID token).
      customAttributes: { tenants: new cognito.StringAttribute({ mutable: true, maxLen: 2048 }) },
    });
    // The operator's group; tenant groups (nimbus-tenant-<id>) are created per tenant (docs/cloud.md).
    new cognito.CfnUserPoolGroup(this, 'SystemGroup', {
      userPoolId: this.userPool.userPoolId,
      groupName: 'nimbus-system',
      description: 'Nimbus PBX operators: every tenant, system settings, bans',
    });
    this.userPoolClient = this.userPool.addClient('AdminClient', {
      // SRP for the admin page; password auth for the CLI walkthrough (docs/cloud.md).
      authFlows: { userSrp: true, userPassword: true },
      generateSecret: false,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      preventUserExistenceErrors: true,
    });

    this.api = new apigwv2.HttpApi(this, 'Api', {
      apiName: `nimbus-${props.stage}-admin`,
      description: 'Nimbus PBX admin API',
      defaultAuthorizer: new HttpUserPoolAuthorizer('AdminJwt', this.userPool, { userPoolClients: [this.userPoolClient] }),
      corsPreflight: {
        allowOrigins: ['*'],
        allowHeaders: ['authorization', 'content-type'],
        allowMethods: [apigwv2.CorsHttpMethod.GET, apigwv2.CorsHttpMethod.POST, apigwv2.CorsHttpMethod.PATCH, apigwv2.CorsHttpMethod.DELETE],
        maxAge: Duration.hours(1),
      },
    });
    const integration = new HttpLambdaIntegration('AdminIntegration', props.handler);
    this.api.addRoutes({ path: '/admin/{proxy+}', methods: [apigwv2.HttpMethod.ANY], integration });
    this.api.addRoutes({ path: '/api/{proxy+}', methods: [apigwv2.HttpMethod.ANY], integration, authorizer: new HttpNoneAuthorizer() });
    // Requests per second for the whole API (both routes): admins and scripts, not phones.
    const stage = this.api.defaultStage?.node.defaultChild as apigwv2.CfnStage | undefined;
    if (stage) stage.defaultRouteSettings = { throttlingRateLimit: 50, throttlingBurstLimit: 100 };

    new CfnOutput(this, 'Url', { value: `${this.api.apiEndpoint}/admin/`, description: 'Admin API base URL' });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
  }
}
