import { SNSClient } from "@aws-sdk/client-sns";
import { s3PayloadStoreOnFirstUse, sqsRetryQueueOnFirstUse } from "../adapters/on-first-use";
import { lazyPostgresEventRepository } from "../adapters/postgres-event-repository";
import { snsEventNotifier } from "../adapters/sns-event-notifier";
import { lazyDatabasePool } from "../shared/database";
import { requireInteger, requireString } from "../shared/env";
import { createLogger } from "../shared/logger";
import { createMetrics } from "../shared/metrics";
import { envNames } from "../topology";
import { createProcessorHandler } from "./sqs-handler";

const env = process.env;
const log = createLogger("processor", env);
// S3 (payloads over the threshold) and SQS (failed messages only) load on first use, not at cold start.
const payloads = s3PayloadStoreOnFirstUse(env, requireString(env, envNames.payloadBucket));
const notifier = snsEventNotifier(new SNSClient({}), requireString(env, envNames.topicArn));
const retries = sqsRetryQueueOnFirstUse(env, requireString(env, envNames.queueUrl), requireString(env, envNames.deadLetterQueueUrl));
const visibilityTimeoutSeconds = requireInteger(env, envNames.queueVisibilityTimeout, { min: 1, max: 43_200 });
const pool = lazyDatabasePool(env);

export const handler = createProcessorHandler({
  // The pool opens on first use, so messages are checked (and poison counted) while the database is down.
  ports: { payloads, notifier, events: lazyPostgresEventRepository(pool), log },
  retries,
  visibilityTimeoutSeconds,
  log,
  metrics: createMetrics("processor"),
});
