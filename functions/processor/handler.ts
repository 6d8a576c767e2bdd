import { lazyPostgresEventStore } from "../adapters/postgres-event-store";
import { s3PayloadStore } from "../adapters/s3-payload-store";
import { snsEventNotifier } from "../adapters/sns-event-notifier";
import { sqsRetryQueue } from "../adapters/sqs-retry-queue";
import { createS3Client, createSnsClient, createSqsClient } from "../shared/aws-clients";
import { lazyDatabasePool } from "../shared/database";
import { requireInteger, requireString } from "../shared/env";
import { createLogger } from "../shared/logger";
import { createMetrics } from "../shared/metrics";
import { envNames } from "../topology";
import { createProcessorHandler } from "./sqs-handler";

const env = process.env;
const log = createLogger("processor", env);
const payloads = s3PayloadStore(createS3Client(env), requireString(env, envNames.payloadBucket));
const notifier = snsEventNotifier(createSnsClient(), requireString(env, envNames.topicArn));
const retries = sqsRetryQueue(createSqsClient(env), requireString(env, envNames.queueUrl), requireString(env, envNames.deadLetterQueueUrl));
const visibilityTimeoutSeconds = requireInteger(env, envNames.queueVisibilityTimeout, { min: 1, max: 43_200 });
const pool = lazyDatabasePool(env);

export const handler = createProcessorHandler({
  // The pool opens on first use, so messages are checked (and poison counted) while the database is down.
  ports: { payloads, notifier, events: lazyPostgresEventStore(pool), log },
  retries,
  visibilityTimeoutSeconds,
  log,
  metrics: createMetrics("processor"),
});
