import type { EnforcementLevel, Policies, PolicyPackConfig } from "@pulumi/policy";

export type { PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { awsguardConfig, awsguardPolicies } from "./awsguard-policies";
import { lambdaRuntimeSupported, queueVisibilityTimeout, sqsMappingConcurrency } from "./rules/compute";
import { rdsInstanceSafe } from "./rules/database";
import { iamNoWildcards } from "./rules/iam";
import { messagingEncrypted, queueRedrive } from "./rules/messaging";
import { bucketAccessLogging, bucketTlsOnly, logGroupRetention } from "./rules/storage";

/**
 * Fluxa's policy pack as plain data: `index.ts` hands it to @pulumi/policy's PolicyPack (which serves it
 * to the Pulumi engine), and `npm run preview:offline -- --policy` drives the same validators offline.
 */
export interface PackDefinition {
  readonly name: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly policies: Policies;
  readonly config: PolicyPackConfig;
}

export const pack: PackDefinition = {
  name: "fluxa",
  enforcementLevel: "mandatory",
  policies: [
    lambdaRuntimeSupported(),
    sqsMappingConcurrency,
    queueVisibilityTimeout,
    queueRedrive,
    messagingEncrypted,
    logGroupRetention,
    bucketAccessLogging,
    bucketTlsOnly,
    iamNoWildcards,
    rdsInstanceSafe,
    ...awsguardPolicies,
  ],
  config: awsguardConfig,
};
