import { postgresEventStore } from "../adapters/postgres-event-store";
import { s3PayloadStore } from "../adapters/s3-payload-store";
import { snsEventNotifier } from "../adapters/sns-event-notifier";
import { createS3Client, createSnsClient } from "../shared/aws-clients";
import { lazyDatabasePool } from "../shared/database";
import { requireString } from "../shared/env";
import { createLogger } from "../shared/logger";
import { createMetrics } from "../shared/metrics";
import { envNames } from "../topology";
import { createProcessorHandler } from "./sqs-handler";

const env = process.env;
const log = createLogger("processor", env);
const payloads = s3PayloadStore(createS3Client(env), requireString(env, envNames.payloadBucket));
const notifier = snsEventNotifier(createSnsClient(), requireString(env, envNames.topicArn));
const pool = lazyDatabasePool(env);

export const handler = createProcessorHandler({
  ports: async () => ({ payloads, notifier, events: postgresEventStore(await pool()), log }),
  log,
  metrics: createMetrics("processor"),
});
