import { linkEnvironment, type LinkValues } from "../../functions/link-environment";
import { envNames, functionSpecs, replayLimits, type FunctionName } from "../../functions/topology";
import type { PartitionLayout } from "../../functions/shared/event-partitions";
import { localCredentials } from "./aws-resources";

/** The resources of the local stack that functions can be linked to. */
export interface LocalLinkTargets {
  readonly queueUrl: string;
  readonly visibilityTimeoutSeconds: number;
  readonly dlqUrl: string;
  readonly bucket: string;
  readonly topicArn: string;
  readonly databaseUrl: string;
  /** DB_POOL_SIZE; absent, the functions' default. */
  readonly databasePoolSize?: number;
  /** Queues a replay may send to: the local stack allows every queue of its own emulator (`<prefix>*`). */
  readonly replayQueueUrls: string;
  /** API key id → source, as deployed functions get it. */
  readonly sourceKeys: string;
  /** The stack's partitions of events (FLUXA_STACK's, or the defaults). */
  readonly eventPartitions: PartitionLayout;
  /** The maintenance function's retention window (undefined: forever) and archive switch. */
  readonly retention: { readonly days?: number; readonly archive: boolean };
}

export interface RuntimeSettings {
  readonly region: string;
  readonly awsEndpointUrl: string;
  readonly logLevel: string;
}

/**
 * A function's whole environment, as Lambda would set it: the runtime's variables, one set per
 * topology link, and the per-function overrides last. Nothing else of the host's environment.
 */
export function functionEnvironment(
  name: FunctionName,
  targets: LocalLinkTargets,
  settings: RuntimeSettings,
  overrides: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const spec = functionSpecs[name];
  const values: LinkValues<string> = {
    queueUrl: targets.queueUrl,
    queueVisibilityTimeout: String(targets.visibilityTimeoutSeconds),
    deadLetterQueueUrl: targets.dlqUrl,
    payloadBucket: targets.bucket,
    topicArn: targets.topicArn,
    database: { kind: "url", url: targets.databaseUrl, ...(targets.databasePoolSize === undefined ? {} : { poolSize: String(targets.databasePoolSize) }) },
    replay: { queueUrls: targets.replayQueueUrls, maxWindowDays: String(replayLimits.defaultMaxWindowDays) },
    sourceKeys: targets.sourceKeys,
    eventPartitions: { width: targets.eventPartitions.width, ahead: String(targets.eventPartitions.ahead) },
    retention: { archive: String(targets.retention.archive), ...(targets.retention.days === undefined ? {} : { days: String(targets.retention.days) }) },
  };
  return {
    AWS_REGION: settings.region,
    AWS_DEFAULT_REGION: settings.region,
    AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
    AWS_ENDPOINT_URL: settings.awsEndpointUrl,
    AWS_LAMBDA_FUNCTION_NAME: name,
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb),
    TZ: ":UTC",
    [envNames.logLevel]: settings.logLevel,
    ...Object.fromEntries(spec.links.flatMap((link) => Object.entries(linkEnvironment(link, values)))),
    ...overrides,
  };
}
