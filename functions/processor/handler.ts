import { SNSClient } from "@aws-sdk/client-sns";
import { s3PayloadStoreOnFirstUse, sqsRetryQueueOnFirstUse } from "../adapters/on-first-use";
import { postgresEventRepositoryOnFirstUse } from "../adapters/postgres-on-first-use";
import { snsEventNotifier } from "../adapters/sns-event-notifier";
import { lazyDatabasePool } from "../shared/database";
import { requireInteger, requireString } from "../shared/env";
import { createLogger } from "../shared/logger";
import { createMetrics } from "../shared/metrics";
import { envNames } from "../topology";
import { markingInBackground } from "./background-mark";
import { createProcessorHandler } from "./sqs-batch";

const env = process.env;
const log = createLogger("processor", env);
// S3 (payloads over the threshold) and SQS (failed messages only) load on first use, not at cold start.
const payloads = s3PayloadStoreOnFirstUse(env, requireString(env, envNames.payloadBucket));
const notifier = snsEventNotifier(new SNSClient({}), requireString(env, envNames.topicArn));
const retries = sqsRetryQueueOnFirstUse(env, requireString(env, envNames.queueUrl), requireString(env, envNames.deadLetterQueueUrl));
const visibilityTimeoutSeconds = requireInteger(env, envNames.queueVisibilityTimeout, { min: 1, max: 43_200 });
const pool = lazyDatabasePool(env);

export const handler = createProcessorHandler({
  // The pool starts opening at cold start, but only the store's calls wait for it: while the
  // database is down, messages are still checked and poison counted.
  ports: { payloads, notifier, events: markingInBackground(postgresEventRepositoryOnFirstUse(pool), log), log },
  retries,
  visibilityTimeoutSeconds,
  log,
  metrics: createMetrics("processor"),
});
