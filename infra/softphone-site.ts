/**
 * The browser softphone as a static site: a private S3 bucket behind
 * CloudFront (origin access control, HTTPS only). Browsers need a page over
 * HTTPS to use the microphone and WSS to reach the edge, so the page gets
 * the edge's WebSocket URL in nimbus-config.json next to it.
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
        s3deploy.Source.jsonData('nimbus-config.json', { sipDomain: props.sipDomain, webSocketUrl: props.webSocketUrl ?? null }),
      ],
      destinationBucket: bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
    });
    new CfnOutput(this, 'Url', { value: `https://${this.distribution.distributionDomainName}/`, description: 'Softphone' });
  }
}
