import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { awsDefaults, ofType, referenced } from "./resources";

/**
 * AWS Lambda's Node.js runtimes and the day each is deprecated (no more security patches), as AWS's
 * runtime page listed them on 2026-12-07. A runtime missing here is refused until its date is added.
 */
export const runtimeDeprecations: Readonly<Record<string, string>> = {
  "nodejs16.x": "2024-06-12",
  "nodejs18.x": "2025-09-01",
  "nodejs20.x": "2026-04-30",
  "nodejs22.x": "2027-04-30",
  "nodejs24.x": "2028-04-30",
};

/** How far ahead a deprecation is refused: time to move a function to the next runtime before it happens. */
export const runtimeNoticeDays = 180;

export function lambdaRuntimeSupported(today: () => Date = () => new Date()): ResourceValidationPolicy {
  return {
    name: "fluxa-lambda-runtime-supported",
    description: `Lambda functions run on a runtime that is not deprecated within ${runtimeNoticeDays} days.`,
    validateResource: (args, reportViolation) => {
      if (args.type !== "aws:lambda/function:Function" || args.props.packageType === "Image") return;
      const runtime = String(args.props.runtime);
      const deprecation = runtimeDeprecations[runtime];
      if (!deprecation) {
        reportViolation(`runtime ${runtime} is not in the pack's deprecation table (policy/rules/compute.ts): add its date`);
        return;
      }
      const daysLeft = Math.floor((Date.parse(deprecation) - today().getTime()) / 86_400_000);
      if (daysLeft < 0) reportViolation(`runtime ${runtime} was deprecated on ${deprecation}`);
      else if (daysLeft < runtimeNoticeDays) reportViolation(`runtime ${runtime} is deprecated on ${deprecation}, in ${daysLeft} days (fewer than ${runtimeNoticeDays})`);
    },
  };
}

const sqsMappings = (resources: readonly PolicyResource[]) =>
  ofType(resources, "aws:lambda/eventSourceMapping:EventSourceMapping").filter((m) => String(m.props.eventSourceArn).startsWith("arn:aws:sqs:"));

/**
 * AWS: Lambda's SQS pollers ignore a reserved concurrency when they scale, and throttled batches return
 * with their receive count raised; scalingConfig.maximumConcurrency is the bound they respect.
 */
export const sqsMappingConcurrency: StackValidationPolicy = {
  name: "fluxa-sqs-mapping-concurrency",
  description: "An SQS event source mapping sets a maximum concurrency, and its function reserves no less than it.",
  validateStack: ({ resources }, reportViolation) => {
    for (const mapping of sqsMappings(resources)) {
      const maximum = (mapping.props.scalingConfig as { maximumConcurrency?: number } | undefined)?.maximumConcurrency;
      if (maximum === undefined) {
        reportViolation(`mapping ${mapping.name} sets no scalingConfig.maximumConcurrency`, mapping.urn);
        continue;
      }
      const fn = referenced(resources, "aws:lambda/function:Function", mapping.props.functionName, ["arn", "name"]);
      const reserved = fn?.props.reservedConcurrentExecutions as number | undefined;
      if (fn && reserved !== undefined && reserved >= 0 && reserved < maximum) {
        reportViolation(`function ${fn.name} reserves ${reserved}, below its mapping's maximum concurrency ${maximum}: the excess batches are throttled`, fn.urn);
      }
    }
  },
};

/** AWS: a queue's visibility timeout must be at least its consumer's timeout; 6x leaves room for Lambda's retries of a throttled batch. */
export const queueVisibilityTimeout: StackValidationPolicy = {
  name: "fluxa-queue-visibility-timeout",
  description: "A queue's visibility timeout is at least 6 times the timeout of the function its mapping feeds.",
  validateStack: ({ resources }, reportViolation) => {
    for (const mapping of sqsMappings(resources)) {
      const queue = referenced(resources, "aws:sqs/queue:Queue", mapping.props.eventSourceArn, ["arn"]);
      const fn = referenced(resources, "aws:lambda/function:Function", mapping.props.functionName, ["arn", "name"]);
      if (!queue || !fn) {
        reportViolation(`mapping ${mapping.name}: its queue or function is not in the stack, so the visibility timeout cannot be checked`, mapping.urn);
        continue;
      }
      const visibility = Number(queue.props.visibilityTimeoutSeconds ?? awsDefaults.visibilityTimeoutSeconds);
      const timeout = Number(fn.props.timeout ?? awsDefaults.lambdaTimeoutSeconds);
      if (visibility < 6 * timeout) reportViolation(`queue ${queue.name}'s visibility timeout ${visibility} s is under 6 × ${fn.name}'s timeout of ${timeout} s`, queue.urn);
    }
  },
};
