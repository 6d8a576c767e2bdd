import type { PolicyPackConfig, ResourceValidationPolicy } from "@pulumi/policy";
import * as apiGateway from "@pulumi/awsguard/apiGateway";
import * as database from "@pulumi/awsguard/database";
import * as storage from "@pulumi/awsguard/storage";
import { stackOf } from "./rules/resources";

// awsguard marks its policies @internal: each module exports them at run time, untyped.
function awsguard(area: object, key: string): ResourceValidationPolicy {
  const policy = (area as Record<string, ResourceValidationPolicy | undefined>)[key];
  if (!policy?.validateResource) throw new Error(`@pulumi/awsguard exports no policy ${key}`);
  return policy;
}

/** A policy that does not apply to `stacks`, for `reason`. */
function exceptInStacks(policy: ResourceValidationPolicy, stacks: readonly string[], reason: string): ResourceValidationPolicy {
  const validations = [policy.validateResource ?? []].flat();
  return {
    ...policy,
    validateResource: async (args, reportViolation) => {
      if (stacks.includes(stackOf(args.urn))) args.notApplicable(reason);
      for (const validate of validations) await validate(args, reportViolation);
    },
  };
}

/**
 * awsguard's policies for the resource types Fluxa creates (API Gateway, RDS, S3). Those for types it does
 * not create (EC2, ELB, EFS, Redshift, DynamoDB, Elasticsearch, ACM, KMS, IAM users) are left out.
 */
export const awsguardPolicies: ResourceValidationPolicy[] = [
  awsguard(apiGateway, "apiGatewayEndpointType"),
  awsguard(apiGateway, "apiGatewayStageCached"),
  awsguard(apiGateway, "apiGatewayMethodCachedAndEncrypted"),
  awsguard(database, "rdsInstanceBackupEnabled"),
  awsguard(database, "rdsInstancePublicAccess"),
  awsguard(database, "rdsStorageEncrypted"),
  // Dev runs one AZ to halve the instance's cost; losing it for an AZ outage is accepted there (TRADEOFFS.md).
  exceptInStacks(awsguard(database, "rdsInstanceMultiAZEnabled"), ["dev"], "dev runs single-AZ by choice"),
  awsguard(storage, "s3BucketLoggingEnabled"),
];

/** Each exemption from awsguard, next to its reason. */
export const awsguardConfig: PolicyPackConfig = {
  // The API is REGIONAL: its clients are services, not browsers spread over the world, and an edge
  // endpoint's CloudFront would add a hop and hide the caller's address from the access logs.
  "apigateway-endpoint-type": { allowEdge: false, allowRegional: true, allowPrivate: false },
  // No API cache: POST ingest is never cacheable, and reads are per caller (API key) and must see new events.
  "apigateway-stage-cached": "disabled",
  "apigateway-method-cached-and-encrypted": "disabled",
  // It reads Bucket.loggings, an input @pulumi/aws v7 no longer has (logging is an aws.s3.BucketLogging):
  // it would flag every bucket. fluxa-bucket-access-logging checks those resources instead.
  "s3-bucket-logging-enabled": "disabled",
};
