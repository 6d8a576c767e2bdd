import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { ofType } from "./resources";

export const logGroupRetention: ResourceValidationPolicy = {
  name: "fluxa-log-group-retention",
  description: "Every CloudWatch log group has a retention: none keeps (and bills) logs forever.",
  validateResource: (args, reportViolation) => {
    if (args.type !== "aws:cloudwatch/logGroup:LogGroup") return;
    const days = Number(args.props.retentionInDays ?? 0);
    if (!(days > 0)) reportViolation(`log group ${args.name} keeps its logs forever: set retentionInDays`);
  },
};

/** AWS: a bucket's configuration resources name it by id, which for S3 is the bucket's name. */
const configuring = (resources: readonly PolicyResource[], type: string, bucket: PolicyResource) =>
  ofType(resources, type).filter((c) => c.props.bucket === bucket.props.bucket || c.props.bucket === bucket.props.id);

const isTarget = (resources: readonly PolicyResource[], bucket: PolicyResource) =>
  ofType(resources, "aws:s3/bucketLogging:BucketLogging").some((l) => l.props.targetBucket === bucket.props.bucket || l.props.targetBucket === bucket.props.id);

/** A bucket that receives access logs logs nowhere itself: it would log its own log writes. */
export const bucketAccessLogging: StackValidationPolicy = {
  name: "fluxa-bucket-access-logging",
  description: "Every S3 bucket but a log bucket has server access logging (aws.s3.BucketLogging).",
  validateStack: ({ resources }, reportViolation) => {
    for (const bucket of ofType(resources, "aws:s3/bucket:Bucket")) {
      if (isTarget(resources, bucket)) continue;
      if (configuring(resources, "aws:s3/bucketLogging:BucketLogging", bucket).length === 0) reportViolation(`bucket ${bucket.name} has no access logging`, bucket.urn);
    }
  },
};

interface Statement {
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly Condition?: { readonly Bool?: Record<string, unknown> };
}

const refusesPlainHttp = (statement: Statement) =>
  statement.Effect === "Deny" && [statement.Action ?? []].flat().includes("s3:*") && String(statement.Condition?.Bool?.["aws:SecureTransport"]) === "false";

export const bucketTlsOnly: StackValidationPolicy = {
  name: "fluxa-bucket-tls-only",
  description: "Every S3 bucket's policy denies any request that does not arrive over TLS.",
  validateStack: ({ resources }, reportViolation) => {
    for (const bucket of ofType(resources, "aws:s3/bucket:Bucket")) {
      const statements = configuring(resources, "aws:s3/bucketPolicy:BucketPolicy", bucket).flatMap(
        (p) => (JSON.parse(String(p.props.policy)) as { Statement: Statement | Statement[] }).Statement,
      );
      if (![statements].flat().some(refusesPlainHttp)) reportViolation(`bucket ${bucket.name} accepts plain HTTP: its policy has no Deny on aws:SecureTransport false`, bucket.urn);
    }
  },
};
