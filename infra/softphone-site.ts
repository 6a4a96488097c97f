/**
 * The browser softphone as a static site: a private S3 bucket behind
 * CloudFront (origin access control, HTTPS only). Browsers need a page over
 * HTTPS to use the microphone and WSS to reach the edge, so the page gets
 * the edge's WebSocket URL in nimbus-config.json next to it. The admin
 * console (web-admin/dist) lives under admin/ of the same site and finds the
 * admin API's token route in the same file (`adminApiUrl`).
 */
import { CfnOutput, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';

export interface SoftphoneSiteProps {
  /** The built softphone (a folder with index.html). */
  readonly sourceDir: string;
  readonly sipDomain: string;
  readonly webSocketUrl?: string;
  readonly retain: boolean;
  /** The built admin console (a folder with index.html), served under /admin/. */
  readonly adminConsoleDir?: string;
  /** Base of the admin API the console calls (its token route, without /v1). */
  readonly adminApiUrl?: string;
}

export class SoftphoneSite extends Construct {
  readonly distribution: cloudfront.Distribution;

  constructor(scope: Construct, id: string, props: SoftphoneSiteProps) {
    super(scope, id);
    const bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      autoDeleteObjects: !props.retain,
    });
    this.distribution = new cloudfront.Distribution(this, 'Cdn', {
      comment: 'Nimbus PBX softphone',
      defaultRootObject: 'index.html',
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
      },
    });
    new s3deploy.BucketDeployment(this, 'Deploy', {
      sources: [
        s3deploy.Source.asset(props.sourceDir, { exclude: ['node_modules', 'src', '*.ts'] }),
        s3deploy.Source.jsonData('nimbus-config.json', { sipDomain: props.sipDomain, webSocketUrl: props.webSocketUrl ?? null, adminApiUrl: props.adminApiUrl ?? null }),
      ],
      destinationBucket: bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      // The console's deployment below owns admin/: this one neither uploads nor prunes there.
      ...(props.adminConsoleDir ? { exclude: ['admin/*'] } : {}),
    });
    if (props.adminConsoleDir) {
      new s3deploy.BucketDeployment(this, 'DeployAdminConsole', {
        sources: [s3deploy.Source.asset(props.adminConsoleDir)],
        destinationBucket: bucket,
        destinationKeyPrefix: 'admin/',
        distribution: this.distribution,
        distributionPaths: ['/admin/*'],
      });
      // S3 has no index documents behind CloudFront's origin access: the console's address names its file.
      new CfnOutput(this, 'AdminConsoleUrl', { value: `https://${this.distribution.distributionDomainName}/admin/index.html`, description: 'Admin console' });
    }
    new CfnOutput(this, 'Url', { value: `https://${this.distribution.distributionDomainName}/`, description: 'Softphone' });
  }
}
