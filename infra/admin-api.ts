/**
 * The admin HTTP API: API Gateway HTTP API → the admin-api function, every
 * route behind a JWT authorizer fed by a Cognito user pool of admins.
 *
 * Why JWT (Cognito) rather than IAM authorization: the API's callers are
 * people (an admin page in the browser, curl), not AWS services. A user pool
 * gives each admin their own login with password policy and MFA, browser-
 * friendly bearer tokens and groups for later per-tenant scoping, without
 * handing AWS credentials to admins or SigV4-signing requests in a browser.
 * Unauthenticated calls are refused by API Gateway before the function runs,
 * so they cost no Lambda time.
 */
import { CfnOutput, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
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
    });
    this.api.addRoutes({
      path: '/admin/{proxy+}',
      methods: [apigwv2.HttpMethod.ANY],
      integration: new HttpLambdaIntegration('AdminIntegration', props.handler),
    });

    new CfnOutput(this, 'Url', { value: `${this.api.apiEndpoint}/admin/`, description: 'Admin API base URL' });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
  }
}
