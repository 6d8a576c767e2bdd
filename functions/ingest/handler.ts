import { SQSClient } from "@aws-sdk/client-sqs";
import { s3PayloadStoreOnFirstUse } from "../adapters/on-first-use";
import { sqsEventQueue } from "../adapters/sqs-event-queue";
import { sqsClientConfig } from "../shared/aws-clients";
import { optionalInteger, requireString } from "../shared/env";
import { byResource } from "../shared/http";
import { randomIds, systemClock } from "../shared/ids";
import { createLogger } from "../shared/logger";
import { createMetrics } from "../shared/metrics";
import { sourceDirectoryFromEnv } from "../shared/sources";
import { envNames, eventQueue } from "../topology";
import { createBatchIngestHandler } from "./post-events-batch";
import { defaultMaxBatchEvents } from "./batch-request";
import { createIngestHandler } from "./post-event";

const env = process.env;

const deps = {
  ports: {
    queue: sqsEventQueue(new SQSClient(sqsClientConfig(env)), requireString(env, envNames.queueUrl)),
    // Only payloads over the threshold go to S3: its client loads with the first one, not at cold start.
    payloads: s3PayloadStoreOnFirstUse(env, requireString(env, envNames.payloadBucket)),
    clock: systemClock,
    ids: randomIds(),
  },
  settings: {
    // Lower only: a message over the queue's MaximumMessageSize would be refused by SendMessage.
    largePayloadThresholdBytes: optionalInteger(env, envNames.largePayloadThresholdBytes, eventQueue.largePayloadThresholdBytes, {
      min: 1_024,
      max: eventQueue.largePayloadThresholdBytes,
    }),
    // Lambda's synchronous invocation payload limit is 6 MB; API Gateway's is 10 MB.
    maxBodyBytes: optionalInteger(env, envNames.maxBodyBytes, 5 * 1024 * 1024, { min: 1_024, max: 6_000_000 }),
    maxBatchEvents: optionalInteger(env, envNames.maxBatchEvents, defaultMaxBatchEvents, { min: 1, max: 1_000 }),
  },
  log: createLogger("ingest", env),
  metrics: createMetrics("ingest"),
  sources: sourceDirectoryFromEnv(env, envNames.sourceKeys),
};

export const handler = byResource({
  "/events": createIngestHandler(deps),
  "/events/batch": createBatchIngestHandler(deps),
});
