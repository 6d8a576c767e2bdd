import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { denyInsecureTransportStatement, policyDocument, type PolicyStatement } from "./policies";

export interface PrivateBucketArgs {
  /** Let `pulumi destroy` delete the bucket with objects in it. */
  readonly forceDestroy: pulumi.Input<boolean>;
  /** Objects under `prefix` expire after `days`. */
  readonly expiration: { readonly ruleId: string; readonly prefix: string; readonly days: pulumi.Input<number> };
  /** Statements beside the TLS-only refusal in the bucket policy, given the bucket's ARN. */
  readonly statements?: (bucketArn: pulumi.Output<string>) => PolicyStatement[];
}

/**
 * A bucket no one reaches from the internet: public access blocked, SSE-S3, TLS-only policy, and a
 * lifecycle. Its children are named `${name}-<role>`.
 */
export function createPrivateBucket(name: string, args: PrivateBucketArgs, parent: pulumi.Resource): aws.s3.Bucket {
  const opts = { parent };
  const bucket = new aws.s3.Bucket(name, { forceDestroy: args.forceDestroy }, opts);
  const publicAccess = new aws.s3.BucketPublicAccessBlock(
    `${name}-public-access`,
    { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
    opts,
  );
  // AWS: a bucket that receives server access logs may use SSE-S3 but not SSE-KMS; SSE-S3 serves both kinds here.
  new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-encryption`, { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }, opts);
  new aws.s3.BucketPolicy(
    `${name}-policy`,
    { bucket: bucket.id, policy: policyDocument([denyInsecureTransportStatement(bucket.arn), ...(args.statements?.(bucket.arn) ?? [])]) },
    { parent, dependsOn: [publicAccess] },
  );
  new aws.s3.BucketLifecycleConfiguration(
    `${name}-lifecycle`,
    {
      bucket: bucket.id,
      rules: [
        {
          id: args.expiration.ruleId,
          status: "Enabled",
          filter: { prefix: args.expiration.prefix },
          expiration: { days: args.expiration.days },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
        },
      ],
    },
    opts,
  );
  return bucket;
}

/**
 * Lets S3's logging service write `bucket`'s server access logs under `prefix` of the log bucket, and
 * only `bucket`'s (AWS's recommended grant for buckets with ACLs disabled, instead of a log-delivery ACL).
 */
export function accessLogDeliveryStatement(logBucketArn: pulumi.Input<string>, prefix: string, source: { readonly arn: pulumi.Input<string>; readonly account: pulumi.Input<string> }): PolicyStatement {
  return {
    Sid: "AccessLogDelivery",
    Effect: "Allow",
    Principal: { Service: "logging.s3.amazonaws.com" },
    Action: ["s3:PutObject"],
    Resource: [pulumi.interpolate`${logBucketArn}/${prefix}*`],
    Condition: { ArnLike: { "aws:SourceArn": source.arn }, StringEquals: { "aws:SourceAccount": source.account } },
  };
}
