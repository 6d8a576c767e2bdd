import { defaultDatabasePoolSize, eventQueue, functionNames, functionSpecs, maintenanceSchedule, replayLimits, type FunctionName } from "../functions/topology";
import { boolean, integer, lambdaLogLevels, logRetentionValues, matching, oneOf, queueUrlList, type LambdaLogLevel } from "./codecs";
import { optionalSetting, setting, type AnySetting, type Decoded } from "./setting";
import { sourcesJson } from "./sources";
import { defaultPartitionLayout, defaultPartitionsAhead, maxPartitionsAhead, partitionWidths, type PartitionWidth } from "../functions/shared/event-partitions";

/** Stack config is read under this namespace: `pulumi config set fluxa:<key> <value>`. */
export const configNamespace = "fluxa";

export type NatStrategy = "none" | "single" | "onePerAz";
export type Architecture = "arm64" | "x86_64";

/** A per-function key's name, as stack files spell it: `sizingKeys.reservedConcurrency("query")` is `queryReservedConcurrency`. */
export const sizingKeys = {
  memoryMb: (fn: FunctionName) => `${fn}MemoryMb`,
  timeoutSeconds: (fn: FunctionName) => `${fn}TimeoutSeconds`,
  reservedConcurrency: (fn: FunctionName) => `${fn}ReservedConcurrency`,
} as const;

/** The Default column of a per-function row: each function's own default. */
function perFunctionDefaults(value: (fn: FunctionName) => number | undefined): string {
  const given = functionNames.filter((fn) => value(fn) !== undefined);
  const others = given.length < functionNames.length ? ", others unset" : "";
  return given.map((fn) => `${fn} \`${value(fn)}\``).join(", ") + others;
}

function functionSizing(fn: FunctionName) {
  const spec = functionSpecs[fn];
  return {
    memoryMb: setting(sizingKeys.memoryMb(fn), integer(128, 10240), String(spec.memoryMb), {
      meaning: "memory per function: `ingest`, `processor`, `query`, `migrate`, `replay`, `erase`, `maintain` (128–10240 MB)",
      defaultText: perFunctionDefaults((f) => functionSpecs[f].memoryMb),
      row: sizingKeys.memoryMb("<fn>" as FunctionName),
    }),
    timeoutSeconds: setting(sizingKeys.timeoutSeconds(fn), integer(1, 900), String(spec.timeoutSeconds), {
      meaning: "timeout per function (1–900 s)",
      defaultText: perFunctionDefaults((f) => functionSpecs[f].timeoutSeconds),
      row: sizingKeys.timeoutSeconds("<fn>" as FunctionName),
    }),
    // 0 would throttle every invocation: a function that never runs is refused, not deployed.
    reservedConcurrency: optionalSetting(sizingKeys.reservedConcurrency(fn), integer(1, 10000), spec.reservedConcurrency?.toString(), {
      meaning: "reserved concurrent executions (1–10000); unset leaves the function on the account's unreserved pool",
      defaultText: perFunctionDefaults((f) => functionSpecs[f].reservedConcurrency),
      row: sizingKeys.reservedConcurrency("<fn>" as FunctionName),
    }),
  };
}
type FunctionSizingSettings = ReturnType<typeof functionSizing>;

/** Unset, Lambda's application filter follows logLevel where logLevel is below INFO. */
function followLogLevel(decoded: ReadonlyMap<string, unknown>): LambdaLogLevel {
  const level = decoded.get("logLevel");
  return level === "trace" || level === "debug" ? (level.toUpperCase() as LambdaLogLevel) : "INFO";
}

/** Unset, the lead that suits partitionWidth: two weeks of days, a quarter of months. */
function aheadOfWidth(decoded: ReadonlyMap<string, unknown>): string {
  return String(defaultPartitionsAhead[(decoded.get("partitionWidth") as PartitionWidth | undefined) ?? defaultPartitionLayout.width]);
}

/**
 * Every `fluxa:` key, declared once: its codec, its default and what it means. FluxaConfig is the
 * shape this decodes to, and DEPLOYING's key table is rendered from it.
 */
export const stackSettings = {
  architecture: setting("lambdaArchitecture", oneOf<Architecture>(["arm64", "x86_64"]), "arm64", { meaning: "`arm64` or `x86_64`" }),
  functions: Object.fromEntries(functionNames.map((fn) => [fn, functionSizing(fn)])) as Record<FunctionName, FunctionSizingSettings>,
  lambdaAccountConcurrency: setting("lambdaAccountConcurrency", integer(10, 1_000_000), "1000", {
    meaning: "the account's Lambda concurrency quota, to check reservations against",
  }),
  logLevel: setting("logLevel", oneOf(["trace", "debug", "info", "warn", "error", "fatal"] as const), "info", {
    meaning: "`LOG_LEVEL` of every function: lines below it are never written",
  }),
  lambdaLogLevels: {
    application: setting("lambdaApplicationLogLevel", oneOf(lambdaLogLevels), followLogLevel, {
      meaning: "Lambda's JSON log filter for application lines; above `INFO` is refused (it would drop the EMF metrics)",
      defaultText: "follows `logLevel` (`DEBUG`/`TRACE`, else `INFO`)",
    }),
    system: setting("lambdaSystemLogLevel", oneOf(["DEBUG", "INFO", "WARN"] as const), "INFO", { meaning: "Lambda's platform lines (`DEBUG`, `INFO`, `WARN`)" }),
  },
  queue: {
    batchSize: setting("sqsBatchSize", integer(1, 10000), String(eventQueue.batchSize), { meaning: "processor batch size (above 10 needs a batching window ≥ 1)" }),
    batchingWindowSeconds: setting("sqsBatchingWindowSeconds", integer(0, 300), String(eventQueue.maximumBatchingWindowSeconds), {
      meaning: "processor batching window in seconds (0–300)",
    }),
    maximumConcurrency: setting("processorMaximumConcurrency", integer(2, 1000), String(eventQueue.maximumConcurrency), {
      meaning: "the SQS mapping's maximum concurrency (2–1000)",
    }),
  },
  retention: {
    // AWS: a message waits in the queue and then the DLQ up to 14 days each way it can be redriven; its payload in raw/ must outlive that.
    days: optionalSetting(maintenanceSchedule.retentionDaysKey, integer(15, 3650), undefined, {
      meaning: "days events are kept: older partitions are dropped whole by the maintenance function (15–3650; 15 so a DLQ message redriven on its 14th day still finds its payload)",
      defaultText: "unset: kept forever",
    }),
    archive: setting(maintenanceSchedule.archiveKey, boolean, "false", {
      meaning: "before a partition is dropped, its rows go to `archive/` in the payload bucket (gzipped JSON Lines and a manifest, read back and compared); needs `retentionDays`",
    }),
  },
  payload: {
    expirationDays: setting("payloadExpirationDays", integer(1, 3650), (decoded) => String((decoded.get(maintenanceSchedule.retentionDaysKey) as number | undefined) ?? 90), {
      meaning: "days before `raw/` payloads expire; with `retentionDays` it must equal it (the payloads follow their events)",
      defaultText: "`retentionDays`, else `90`",
    }),
    forceDestroy: setting("payloadBucketForceDestroy", boolean, "false", { meaning: "let `pulumi destroy` delete a non-empty bucket" }),
  },
  database: {
    engineVersion: setting("dbEngineVersion", matching("postgresVersion", /^\d{2}(\.\d+)?$/, "a PostgreSQL version such as 17 or 17.4"), "17", {
      meaning: "PostgreSQL version (a major lets RDS pick the minor)",
    }),
    instanceClass: setting("dbInstanceClass", matching("instanceClass", /^db\.[a-z0-9]+\.[a-z0-9]+$/, "an RDS instance class such as db.t4g.micro"), "db.t4g.micro", {
      meaning: "RDS instance class",
    }),
    allocatedStorageGb: setting("dbAllocatedStorageGb", integer(20, 65536), "20", { meaning: "RDS storage (gp3, GB)" }),
    multiAz: setting("dbMultiAz", boolean, "false", { meaning: "a standby in a second AZ" }),
    backupRetentionDays: setting("dbBackupRetentionDays", integer(0, 35), "1", { meaning: "days of automated backups (0–35)" }),
    deletionProtection: setting("dbDeletionProtection", boolean, "false", { meaning: "RDS refuses to delete the instance (and a final snapshot is taken)" }),
    proxy: setting("dbProxy", boolean, "false", { meaning: "RDS Proxy in front of the instance" }),
    proxyMaxConnectionsPercent: setting("dbProxyMaxConnectionsPercent", integer(1, 100), "90", { meaning: "RDS Proxy's share of `max_connections`" }),
    maxConnections: optionalSetting("dbMaxConnections", integer(6, 262143), undefined, {
      meaning: "`max_connections`, for a custom parameter group or a class Fluxa does not know",
      defaultText: "the class's default",
    }),
    poolSize: setting("dbPoolSize", integer(1, 20), String(defaultDatabasePoolSize), { meaning: "connections per execution environment (`DB_POOL_SIZE`)" }),
    operatorConnections: setting("dbOperatorConnections", integer(0, 1000), "5", { meaning: "connections kept free for people (psql, a manual migration) in the budget" }),
  },
  natStrategy: setting("natStrategy", oneOf<NatStrategy>(["none", "single", "onePerAz"]), "single", { meaning: "`none` (VPC endpoints only), `single`, `onePerAz`" }),
  logRetentionDays: setting("logRetentionDays", oneOf(logRetentionValues), "14", { meaning: "a CloudWatch retention value" }),
  replay: {
    queueUrls: setting(replayLimits.queueUrlsKey, queueUrlList, "", {
      meaning: "comma-separated SQS queue URLs `npm run replay -- --queue-url` may send to; the replay role gets `sqs:SendMessage` on exactly these",
    }),
    maxWindowDays: setting(replayLimits.maxWindowDaysKey, integer(1, 3650), String(replayLimits.defaultMaxWindowDays), {
      meaning: "the longest `--from`/`--to` window one replay may cover (1–3650)",
    }),
  },
  eventPartitions: {
    width: setting("partitionWidth", oneOf(partitionWidths), defaultPartitionLayout.width, { meaning: "the time one partition of `events` covers by `created_at` (UTC): `day` or `month`" }),
    ahead: setting("partitionsAhead", integer(1, maxPartitionsAhead), aheadOfWidth, {
      meaning: `partitions the migrate function creates ahead of the current one (1–${maxPartitionsAhead})`,
      defaultText: `day \`${defaultPartitionsAhead.day}\`, month \`${defaultPartitionsAhead.month}\``,
    }),
  },
  api: {
    manageAccountSettings: setting("apiGatewayAccountSettings", boolean, "false", {
      meaning: "this stack manages the account-and-region-wide API Gateway logging role (one stack per account and region)",
    }),
    throttleRateLimit: setting("apiThrottleRateLimit", integer(1, 10000), "50", { meaning: "stage and usage-plan throttling: requests per second" }),
    throttleBurstLimit: setting("apiThrottleBurstLimit", integer(1, 5000), "100", { meaning: "stage and usage-plan throttling: burst" }),
    quotaLimit: setting("apiQuotaLimit", integer(1, 1_000_000_000), "100000", { meaning: "usage-plan quota: requests per `apiQuotaPeriod`" }),
    quotaPeriod: setting("apiQuotaPeriod", oneOf(["DAY", "WEEK", "MONTH"] as const), "DAY", { meaning: "usage-plan quota period" }),
  },
  // Decoded to the list's JSON here; parseConfig checks each entry against the stage (stack-config/sources.ts).
  sources: optionalSetting("sources", sourcesJson, undefined, {
    meaning: "the producers, each with its own API keys, usage plan and events: a structured list (see Sources below)",
    defaultText: "one source `default` with the stage's limits and one key",
  }),
  alarms: {
    functionErrors: setting("alarmFunctionErrors", integer(1, 100000), "1", { meaning: "function errors per 5 minutes that raise the alarm" }),
    functionThrottles: setting("alarmFunctionThrottles", integer(1, 100000), "1", { meaning: "function throttles per 5 minutes that raise the alarm" }),
    api5xx: setting("alarmApi5xx", integer(1, 100000), "1", { meaning: "API 5xx answers per 5 minutes that raise the alarm" }),
    queueAgeSeconds: setting("alarmQueueAgeSeconds", integer(60, 1209600), "300", { meaning: "oldest-message age alarm, in seconds" }),
    partitionsAhead: setting("alarmPartitionsAhead", integer(1, 366), String(maintenanceSchedule.defaultMinPartitionsAhead), {
      meaning: "partitions of events ahead of today below which the maintenance alarm is raised",
    }),
    email: optionalSetting("alarmEmail", matching("email", /^[^@\s]+@[^@\s]+\.[^@\s]+$/, "an e-mail address"), undefined, { meaning: "subscribed to the alarm topic" }),
  },
};

/** The stack's settings, decoded: what parseConfig returns beside the stack's name and region. */
export type StackConfigValues = Decoded<typeof stackSettings>;
export type FunctionSizing = StackConfigValues["functions"][FunctionName];

/** A declared key's name with the namespace, as error messages and `pulumi config set` spell it. */
export function namespaced(entry: AnySetting | string): string {
  return `${configNamespace}:${typeof entry === "string" ? entry : entry.key}`;
}
