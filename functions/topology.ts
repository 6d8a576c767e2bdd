/**
 * Fluxa's topology as plain data: which function serves which route, which queue feeds which
 * function, and which resources each function is linked to. Both the Pulumi components and the
 * local stack read this module, so the cloud and local wiring cannot drift. It imports nothing.
 */

export type FunctionName = "ingest" | "processor" | "query" | "migrate" | "replay" | "erase" | "maintain";

/**
 * Lambda's runtime for every function; the bundles target its Node major, and the local stack, the
 * tests and the bench run on the same major (the `node` devDependency puts it first on npm's PATH).
 * AWS: nodejs22.x is deprecated on 2027-04-30; AWS SDK v3 releases from January 2027 need Node 22 or later.
 */
export const lambdaRuntime = { identifier: "nodejs24.x", nodeMajor: 24 } as const;

/** The resources a function may be linked to: a link gives it the environment variables and IAM access for one. */
export const linkNames = ["queue", "queueConsumer", "deadLetterQueue", "payloadBucketWrite", "payloadBucketRead", "topic", "database", "replayTargets", "sourceKeys", "eventPartitions", "payloadBucketErase", "archiveWrite", "archiveRead", "retention"] as const;
export type Link = (typeof linkNames)[number];

/** An AWS service API a function calls; a function in the VPC reaches each through NAT or a VPC endpoint. */
export type AwsService = "sqs" | "sns" | "s3" | "secretsmanager";

/** The AWS services each link's calls go to: what the network must route for a function in the VPC. */
export const linkServices: Readonly<Record<Link, readonly AwsService[]>> = {
  queue: ["sqs"],
  queueConsumer: ["sqs"],
  deadLetterQueue: ["sqs"],
  payloadBucketWrite: ["s3"],
  payloadBucketRead: ["s3"],
  topic: ["sns"],
  // PostgreSQL itself is inside the VPC; its password is read from the RDS-managed secret.
  database: ["secretsmanager"],
  replayTargets: ["sqs"],
  // Configuration only: the key directory travels in the environment.
  sourceKeys: [],
  // Configuration only: the width and lead of events' partitions.
  eventPartitions: [],
  payloadBucketErase: ["s3"],
  archiveWrite: ["s3"],
  archiveRead: ["s3"],
  // Configuration only: the retention window and whether to archive travel in the environment.
  retention: [],
};

export interface FunctionSpec {
  /** Source entry, relative to the repository root; it exports `handler`. */
  readonly entry: string;
  /** Default timeout; stack config may override it. */
  readonly timeoutSeconds: number;
  /** Default memory; stack config may override it. */
  readonly memoryMb: number;
  readonly links: readonly Link[];
  /** Functions that reach PostgreSQL run inside the VPC. */
  readonly inVpc: boolean;
  /** Default reserved concurrency; stack config may override it. Database functions other than the queue consumer need one. */
  readonly reservedConcurrency?: number;
  /** Where the AWS SDK comes from: the runtime's copy, or bundled. Whichever initialises faster (docs/PERFORMANCE.md). */
  readonly awsSdk: AwsSdkPlacement;
}

/** "runtime": the SDK is external and Lambda's Node.js runtime provides it; "bundled": tree-shaken into the bundle. */
export type AwsSdkPlacement = "runtime" | "bundled";

export const functionSpecs: Readonly<Record<FunctionName, FunctionSpec>> = {
  ingest: {
    entry: "functions/ingest/handler.ts",
    timeoutSeconds: 10,
    memoryMb: 512,
    links: ["queue", "payloadBucketWrite", "sourceKeys"],
    inVpc: false,
    awsSdk: "bundled",
  },
  processor: {
    entry: "functions/processor/handler.ts",
    timeoutSeconds: 30,
    memoryMb: 512,
    links: ["queueConsumer", "deadLetterQueue", "payloadBucketRead", "topic", "database"],
    inVpc: true,
    awsSdk: "bundled",
  },
  query: {
    entry: "functions/query/handler.ts",
    timeoutSeconds: 10,
    memoryMb: 256,
    links: ["database", "sourceKeys"],
    inVpc: true,
    awsSdk: "bundled",
    reservedConcurrency: 10,
  },
  migrate: {
    entry: "functions/migrate/handler.ts",
    timeoutSeconds: 120,
    memoryMb: 256,
    links: ["database", "eventPartitions"],
    inVpc: true,
    awsSdk: "bundled",
    // Migrations must never run twice at once; one execution is all a deploy needs.
    reservedConcurrency: 1,
  },
  replay: {
    entry: "functions/replay/handler.ts",
    // One page (at most maxPageSize events) per invocation needs a few seconds; the rest is headroom for SDK retries.
    timeoutSeconds: 60,
    memoryMb: 256,
    links: ["database", "topic", "replayTargets", "sourceKeys", "archiveRead"],
    inVpc: true,
    // Like the processor (SNS and SQS clients): bundled until `npm run bench` measures otherwise.
    awsSdk: "bundled",
    // Invoked by an operator's CLI, one page at a time: two replays may run at once, no more.
    reservedConcurrency: 2,
  },
  erase: {
    entry: "functions/erase/handler.ts",
    // One user's rows and payloads: DeleteObjects takes 1,000 keys a call; the barrier waits at most 10 s.
    timeoutSeconds: 300,
    memoryMb: 256,
    links: ["database", "payloadBucketErase", "sourceKeys"],
    inVpc: true,
    awsSdk: "bundled",
    // Invoked by an operator's CLI; one erasure at a time keeps the barrier's lock waits short.
    reservedConcurrency: 1,
  },
  maintain: {
    entry: "functions/maintain/handler.ts",
    // Archiving a day of a busy stack (a few hundred thousand rows) to S3 and reading it back; a
    // partition left over is taken by the next run.
    timeoutSeconds: 900,
    memoryMb: 512,
    links: ["database", "archiveWrite", "retention", "eventPartitions"],
    inVpc: true,
    awsSdk: "bundled",
    // Detaching and dropping must not run twice at once: the schedule and `npm run maintain` share one execution.
    reservedConcurrency: 1,
  },
};

export const functionNames = Object.keys(functionSpecs) as FunctionName[];

/** The AWS services the functions that run in the VPC call, each once, sorted. */
export function servicesCalledFromVpc(specs: Readonly<Record<string, FunctionSpec>> = functionSpecs): AwsService[] {
  const services = Object.values(specs).flatMap((spec) => (spec.inVpc ? spec.links.flatMap((link) => linkServices[link]) : []));
  return [...new Set(services)].sort();
}

export type HttpMethod = "GET" | "POST";

export type Integration =
  | { readonly kind: "lambda"; readonly function: FunctionName }
  /** Answered by the gateway itself (API Gateway MOCK integration); no function runs. */
  | { readonly kind: "mock"; readonly statusCode: number; readonly body: Readonly<Record<string, string>> };

export interface RouteSpec {
  readonly method: HttpMethod;
  /** API Gateway resource path; `{name}` segments are path parameters. */
  readonly path: string;
  readonly apiKeyRequired: boolean;
  readonly integration: Integration;
}

export const routes: readonly RouteSpec[] = [
  { method: "POST", path: "/events", apiKeyRequired: true, integration: { kind: "lambda", function: "ingest" } },
  { method: "POST", path: "/events/batch", apiKeyRequired: true, integration: { kind: "lambda", function: "ingest" } },
  { method: "GET", path: "/events", apiKeyRequired: true, integration: { kind: "lambda", function: "query" } },
  { method: "GET", path: "/events/{id}", apiKeyRequired: true, integration: { kind: "lambda", function: "query" } },
  {
    method: "GET",
    path: "/health",
    apiKeyRequired: false,
    integration: { kind: "mock", statusCode: 200, body: { status: "healthy" } },
  },
];

/**
 * AWS: a synchronous invocation's request and its response may each be at most 6 MB. The response
 * is the handler's result serialised as JSON, so a proxy result's body counts with its escaping
 * (every `"` and `\` twice); over the limit the invocation fails with Function.ResponseSizeTooLarge,
 * which API Gateway files under INTEGRATION_FAILURE.
 */
export const maxSynchronousPayloadBytes = 6 * 1024 * 1024;

/** The queue that carries accepted events from ingest to the processor. */
export const eventQueue = {
  consumer: "processor" as FunctionName,
  /** Default SQS batch size and batching window; stack config may override them. */
  batchSize: 10,
  maximumBatchingWindowSeconds: 1,
  /**
   * Concurrent consumer invocations the mapping may run (scalingConfig.maximumConcurrency, 2-1000).
   * AWS: Lambda's SQS pollers scale past a reserved concurrency and the excess is throttled, which
   * raises receive counts; this bound is the one the pollers respect.
   */
  maximumConcurrency: 5,
  /** The receive at which the processor itself dead-letters a message that failed permanently each time. */
  poisonReceives: 3,
  /** AWS: the queue's visibility timeout must be at least the consumer's timeout; 6x leaves room for retries. */
  visibilityTimeoutMultiplier: 6,
  /** A deferred message waits at most this many visibility timeouts: recovery after an outage takes at most that long. */
  backoffCapMultiplier: 10,
  /**
   * How long an outage the safety net lets messages wait before SQS dead-letters them: half the
   * retention, so a message moved then still has 7 days in the DLQ (AWS: a dead-lettered message
   * keeps its original enqueue time, so the DLQ's retention counts from it).
   */
  outageBudgetSeconds: 7 * 24 * 3600,
  /** AWS: 14 days, the most SQS keeps a message; the queue and the DLQ both keep that long. */
  retentionSeconds: 14 * 24 * 3600,
  dlqRetentionSeconds: 14 * 24 * 3600,
  /**
   * A message body above this carries an S3 pointer instead of the payload (ingest's default
   * LARGE_PAYLOAD_THRESHOLD_BYTES). AWS: SQS takes up to 1 MiB but bills every started 64 KiB of a
   * request; docs/COSTS.md ("Large payloads") shows where S3 is the cheaper way.
   */
  largePayloadThresholdBytes: 262_144,
  /**
   * The queue's MaximumMessageSize, set because Pulumi's default (256 KiB) is not SQS's (1 MiB):
   * the threshold plus room for the attributes, which SQS counts in the size (ids, a failure count).
   */
  maxMessageBytes: 262_144 + 1_024,
  /** AWS: the most SQS allows; the DLQ also takes the processor's copies, which add a failure_reason attribute. */
  dlqMaxMessageBytes: 1_048_576,
} as const;

export function visibilityTimeoutSeconds(consumerTimeoutSeconds: number): number {
  return Math.ceil(consumerTimeoutSeconds * eventQueue.visibilityTimeoutMultiplier);
}

/**
 * Replays (`npm run replay`): the stack config keys that bound them, and the defaults. 200 events/s
 * is under half the pipeline's 500 events/s target, so subscribers sized for live traffic take a
 * replay on top of it; 31 days covers a month's backfill in one run, and each page's query stays small.
 */
export const replayLimits = {
  queueUrlsKey: "replayQueueUrls",
  maxWindowDaysKey: "replayMaxWindowDays",
  defaultMaxWindowDays: 31,
  defaultRatePerSecond: 200,
} as const;

/** Connections each execution environment's pool may open: one invocation at a time needs few. */
export const defaultDatabasePoolSize = 2;

/** Environment variable names, one place for the handlers, the components and the local stack. */
export const envNames = {
  queueUrl: "EVENTS_QUEUE_URL",
  queueVisibilityTimeout: "EVENTS_QUEUE_VISIBILITY_TIMEOUT_SECONDS",
  deadLetterQueueUrl: "EVENTS_DLQ_URL",
  payloadBucket: "PAYLOAD_BUCKET",
  topicArn: "EVENTS_TOPIC_ARN",
  largePayloadThresholdBytes: "LARGE_PAYLOAD_THRESHOLD_BYTES",
  maxBodyBytes: "MAX_BODY_BYTES",
  maxBatchEvents: "MAX_BATCH_EVENTS",
  databaseUrl: "DATABASE_URL",
  databaseHost: "DB_HOST",
  databasePort: "DB_PORT",
  databaseName: "DB_NAME",
  databaseSecretArn: "DB_SECRET_ARN",
  databaseSsl: "DB_SSL",
  databasePoolSize: "DB_POOL_SIZE",
  logLevel: "LOG_LEVEL",
  replayQueueUrls: "REPLAY_QUEUE_URLS",
  replayMaxWindowDays: "REPLAY_MAX_WINDOW_DAYS",
  sourceKeys: "SOURCE_DIRECTORY",
  partitionWidth: "PARTITION_WIDTH",
  partitionsAhead: "PARTITIONS_AHEAD",
  retentionDays: "RETENTION_DAYS",
  archiveEnabled: "ARCHIVE_ENABLED",
} as const;

/** The object key of a large payload: `raw/<YYYY-MM-DD>/<event_id>.json` (UTC date of receipt). */
export function payloadObjectKey(receivedAt: Date, eventId: string): string {
  return `raw/${receivedAt.toISOString().slice(0, 10)}/${eventId}.json`;
}

export const payloadKeyPrefix = "raw/";

/** Where the maintenance function archives expired partitions in the payload bucket; no lifecycle rule expires it. */
export const archiveKeyPrefix = "archive/";

/**
 * Retention (`npm run maintain`, and its schedule): the stack config keys, how often it runs, and
 * the partitions ahead below which its alarm is raised.
 */
export const maintenanceSchedule = {
  retentionDaysKey: "retentionDays",
  archiveKey: "archive",
  /** EventBridge Scheduler's expression: daily partitions are created two weeks ahead, so an hourly run leaves room for many failures. */
  expression: "rate(1 hour)",
  defaultMinPartitionsAhead: 3,
} as const;
