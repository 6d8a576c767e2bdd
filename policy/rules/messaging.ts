import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { awsDefaults, ofType, referenced } from "./resources";

/**
 * Every queue that is not itself a dead-letter queue redrives to one in the stack that keeps messages at
 * least as long. AWS: a dead-lettered message keeps its original enqueue time, so a DLQ with a shorter
 * retention drops it early.
 */
export const queueRedrive: StackValidationPolicy = {
  name: "fluxa-queue-redrive",
  description: "Every queue redrives to a dead-letter queue that keeps messages at least as long as it does.",
  validateStack: ({ resources }, reportViolation) => {
    const queues = ofType(resources, "aws:sqs/queue:Queue");
    const redriveOf = (props: Record<string, unknown>) =>
      typeof props.redrivePolicy === "string" && props.redrivePolicy !== "" ? (JSON.parse(props.redrivePolicy) as { deadLetterTargetArn?: string }) : undefined;
    const deadLetterArns = new Set(queues.map((q) => redriveOf(q.props)?.deadLetterTargetArn));
    for (const queue of queues) {
      if (deadLetterArns.has(queue.props.arn as string)) continue;
      const redrive = redriveOf(queue.props);
      if (!redrive) {
        reportViolation(`queue ${queue.name} has no redrive policy: a message no consumer can take stays until it expires`, queue.urn);
        continue;
      }
      const dlq = referenced(resources, "aws:sqs/queue:Queue", redrive.deadLetterTargetArn, ["arn"]);
      if (!dlq) {
        reportViolation(`queue ${queue.name} redrives to ${String(redrive.deadLetterTargetArn)}, which is not a queue of this stack`, queue.urn);
        continue;
      }
      const retention = (props: Record<string, unknown>) => Number(props.messageRetentionSeconds ?? awsDefaults.messageRetentionSeconds);
      if (retention(dlq.props) < retention(queue.props)) {
        reportViolation(`DLQ ${dlq.name} keeps messages ${retention(dlq.props)} s, less than ${queue.name}'s ${retention(queue.props)} s`, dlq.urn);
      }
    }
  },
};

/**
 * Topics allowed without a KMS key, each with why. CloudWatch alarms cannot publish to a topic encrypted
 * with the AWS-managed aws/sns key; alarm messages carry metric names and thresholds, never event data.
 */
export const unencryptedTopics: Readonly<Record<string, string>> = {
  "fluxa-observability-alarm-topic": "CloudWatch alarms cannot publish to a topic under the aws/sns key; alarms carry no event data",
};

export const messagingEncrypted: ResourceValidationPolicy = {
  name: "fluxa-sns-sqs-encrypted",
  description: "SNS topics and SQS queues are encrypted at rest.",
  validateResource: (args, reportViolation) => {
    if (args.type === "aws:sqs/queue:Queue" && args.props.sqsManagedSseEnabled !== true && !args.props.kmsMasterKeyId) {
      reportViolation(`queue ${args.name} is not encrypted (sqsManagedSseEnabled or kmsMasterKeyId)`);
    }
    if (args.type === "aws:sns/topic:Topic" && !args.props.kmsMasterKeyId) {
      if (args.name in unencryptedTopics) args.notApplicable(unencryptedTopics[args.name]);
      reportViolation(`topic ${args.name} has no kmsMasterKeyId`);
    }
  },
};
