import { erasedArchivedEventIdsOnFirstUse, postgresEventRepositoryOnFirstUse, postgresReplayStoreOnFirstUse } from "../adapters/postgres-on-first-use";
import { snsEventNotifier } from "../adapters/sns-event-notifier";
import { sqsNotificationSender, sqsQueueExists } from "../adapters/sqs-notification-sender";
import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";
import { s3ArchiveReaderOnFirstUse } from "../adapters/on-first-use";
import { sqsClientConfig } from "../shared/aws-clients";
import { lazyDatabasePool } from "../shared/database";
import { optionalInteger, optionalString, requireString } from "../shared/env";
import { createLogger } from "../shared/logger";
import { createMetrics } from "../shared/metrics";
import { knownSources, sourceDirectoryFromEnv } from "../shared/sources";
import { envNames, replayLimits } from "../topology";
import { archiveSource } from "./archive-source";
import { createReplayHandler } from "./invocation";

const env = process.env;
const log = createLogger("replay", env);
const topic = snsEventNotifier(new SNSClient({}), requireString(env, envNames.topicArn));
const sqs = new SQSClient(sqsClientConfig(env));
const pool = lazyDatabasePool(env);
const settings = {
  maxWindowDays: optionalInteger(env, envNames.replayMaxWindowDays, replayLimits.defaultMaxWindowDays, { min: 1, max: 3650 }),
  queueUrls: (optionalString(env, envNames.replayQueueUrls) ?? "").split(",").map((url) => url.trim()).filter(Boolean),
  queueUrlsKey: `fluxa:${replayLimits.queueUrlsKey}`,
  maxWindowKey: `fluxa:${replayLimits.maxWindowDaysKey}`,
  sources: knownSources(sourceDirectoryFromEnv(env, envNames.sourceKeys)),
};

export const handler = createReplayHandler({
  ports: {
    replays: postgresReplayStoreOnFirstUse(pool),
    events: postgresEventRepositoryOnFirstUse(pool),
    deliveryTo: (target) => (target.kind === "topic" ? topic : sqsNotificationSender(sqs, target.queueUrl)),
    queueExists: (queueUrl) => sqsQueueExists(sqs, queueUrl),
    clock: { now: () => new Date() },
    newReplayId: () => crypto.randomUUID(),
    log,
    archive: archiveSource(s3ArchiveReaderOnFirstUse(env, requireString(env, envNames.payloadBucket))),
    erasedEventIds: erasedArchivedEventIdsOnFirstUse(pool),
  },
  settings,
  log,
  metrics: createMetrics("replay"),
});
