import { S3Client } from "@aws-sdk/client-s3";
import { postgresPartitionCatalogueOnFirstUse } from "../adapters/postgres-on-first-use";
import { s3ArchiveStore } from "../adapters/s3-archive-store";
import { s3ClientConfig } from "../shared/aws-clients";
import { lazyDatabasePool } from "../shared/database";
import { optionalBoolean, optionalString, requireInteger, requireString } from "../shared/env";
import { maxArchiveFileRows } from "../shared/event-archive";
import { partitionLayoutFromEnv } from "../shared/event-partitions";
import { createLogger } from "../shared/logger";
import { createMetrics } from "../shared/metrics";
import { envNames } from "../topology";
import { createMaintainHandler } from "./invocation";

const env = process.env;
const log = createLogger("maintain", env);
const pool = lazyDatabasePool(env);
// Unset: events are kept forever (stack config retentionDays; its codec's bounds).
const retentionDays = optionalString(env, envNames.retentionDays) === undefined ? undefined : requireInteger(env, envNames.retentionDays, { min: 15, max: 3650 });

export const handler = createMaintainHandler({
  ports: {
    partitions: postgresPartitionCatalogueOnFirstUse(pool),
    archive: s3ArchiveStore(new S3Client(s3ClientConfig(env)), requireString(env, envNames.payloadBucket)),
    clock: { now: () => new Date() },
    log,
  },
  settings: {
    layout: partitionLayoutFromEnv(env),
    retentionDays,
    archive: optionalBoolean(env, envNames.archiveEnabled, false),
    archiveFileRows: maxArchiveFileRows,
  },
  log,
  metrics: createMetrics("maintain"),
});
