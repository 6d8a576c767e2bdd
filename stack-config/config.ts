import * as pulumi from "@pulumi/pulumi";
import * as t from "io-ts";
import { isLeft } from "fp-ts/lib/Either";
import { defaultDatabasePoolSize, functionNames, functionSpecs, eventQueue, replayLimits, type FunctionName } from "../functions/topology";
import { sqsQueueUrlPattern } from "../components/policies";
import { budgetProblems } from "./connection-budget";
import { parseSources, sourcesJson, type SourceConfig } from "./sources";

/** Stack config is read under this namespace: `pulumi config set fluxa:<key> <value>`. */
export const configNamespace = "fluxa";

export type NatStrategy = "none" | "single" | "onePerAz";
export type Architecture = "arm64" | "x86_64";

export interface FunctionSizing {
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /** Undefined leaves the function on the account's unreserved pool. */
  readonly reservedConcurrency?: number;
}

export interface FluxaConfig {
  readonly stack: string;
  readonly region: string;
  readonly functions: Readonly<Record<FunctionName, FunctionSizing>>;
  readonly architecture: Architecture;
  /** The functions' own (pino) level: lines below it are never written. */
  readonly logLevel: string;
  /** Lambda's JSON log filtering: application lines below `application`, platform lines below `system`, are dropped. */
  readonly lambdaLogLevels: { readonly application: LambdaLogLevel; readonly system: "DEBUG" | "INFO" | "WARN" };
  /** The account's Lambda concurrency quota, against which reservations are checked. */
  readonly lambdaAccountConcurrency: number;
  readonly queue: { readonly batchSize: number; readonly batchingWindowSeconds: number; readonly maximumConcurrency: number };
  readonly payload: { readonly expirationDays: number; readonly forceDestroy: boolean };
  readonly database: {
    readonly engineVersion: string;
    readonly instanceClass: string;
    readonly allocatedStorageGb: number;
    readonly multiAz: boolean;
    readonly backupRetentionDays: number;
    readonly deletionProtection: boolean;
    readonly proxy: boolean;
    /** RDS Proxy's MaxConnectionsPercent: its share of max_connections. */
    readonly proxyMaxConnectionsPercent: number;
    /** max_connections when not the instance class's default (custom parameter group). */
    readonly maxConnections?: number;
    /** Connections each execution environment's pool may open. */
    readonly poolSize: number;
    /** Connections kept free for people: psql sessions, a manual migration. */
    readonly operatorConnections: number;
  };
  readonly natStrategy: NatStrategy;
  readonly logRetentionDays: number;
  /** The queues `npm run replay -- --queue-url` may target (none: the topic only), and a replay's longest window. */
  readonly replay: { readonly queueUrls: readonly string[]; readonly maxWindowDays: number };
  readonly api: {
    /** Manage the account-and-region-wide API Gateway settings (the CloudWatch logging role); one stack per account and region. */
    readonly manageAccountSettings: boolean;
    readonly throttleRateLimit: number;
    readonly throttleBurstLimit: number;
    readonly quotaLimit: number;
    readonly quotaPeriod: "DAY" | "WEEK" | "MONTH";
  };
  /** The producers the stack serves (`fluxa:sources`, stack-config/sources.ts); without the key one named `default`. */
  readonly sources: readonly SourceConfig[];
  readonly alarms: {
    readonly functionErrors: number;
    readonly functionThrottles: number;
    readonly api5xx: number;
    readonly queueAgeSeconds: number;
    readonly email?: string;
  };
}

type Parsed<A> = { readonly value: A } | { readonly problem: string };

/** A codec over the string Pulumi stores, failing with a reason a person can act on. */
function fromString<A>(name: string, is: (u: unknown) => u is A, parse: (s: string) => Parsed<A>): t.Type<A, string, unknown> {
  return new t.Type<A, string, unknown>(
    name,
    is,
    (u, c) => {
      if (typeof u !== "string") return t.failure(u, c, "must be a string");
      const parsed = parse(u.trim());
      return "problem" in parsed ? t.failure(u, c, parsed.problem) : t.success(parsed.value);
    },
    String,
  );
}

function integer(min: number, max: number) {
  const inRange = (u: unknown): u is number => Number.isInteger(u) && (u as number) >= min && (u as number) <= max;
  return fromString<number>(`integer(${min}..${max})`, inRange, (s) => {
    if (!/^-?\d+$/.test(s)) return { problem: `must be a whole number, got "${s}"` };
    const n = Number(s);
    return inRange(n) ? { value: n } : { problem: `must be between ${min} and ${max}, got ${s}` };
  });
}

const boolean = fromString<boolean>(
  "boolean",
  (u): u is boolean => typeof u === "boolean",
  (s) => (s === "true" || s === "false" ? { value: s === "true" } : { problem: `must be true or false, got "${s}"` }),
);

function oneOf<A extends string | number>(values: readonly A[]) {
  const member = (u: unknown): u is A => values.includes(u as A);
  return fromString<A>(`oneOf(${values.join("|")})`, member, (s) => {
    const found = values.find((v) => String(v) === s);
    return found === undefined ? { problem: `must be one of ${values.join(", ")}, got "${s}"` } : { value: found };
  });
}

function matching(name: string, pattern: RegExp, what: string) {
  const matches = (u: unknown): u is string => typeof u === "string" && pattern.test(u);
  return fromString<string>(name, matches, (s) => (pattern.test(s) ? { value: s } : { problem: `must be ${what}, got "${s}"` }));
}

/** Comma-separated SQS queue URLs: exact ones, so the replay function's role names each queue. */
const queueUrlList = fromString<string[]>(
  "queueUrlList",
  (u): u is string[] => Array.isArray(u) && u.every((url) => typeof url === "string" && sqsQueueUrlPattern.test(url)),
  (s) => {
    const urls = s.split(",").map((url) => url.trim()).filter(Boolean);
    const bad = urls.find((url) => !sqsQueueUrlPattern.test(url));
    return bad === undefined ? { value: urls } : { problem: `must be SQS queue URLs such as https://sqs.us-east-1.amazonaws.com/123456789012/name, got "${bad}"` };
  },
);

/** AWS: CloudWatch Logs accepts only these retention periods. */
const logRetentionValues = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
const lambdaLogLevels = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"] as const;
export type LambdaLogLevel = (typeof lambdaLogLevels)[number];

/** A key's codec and default; `required` says whether a value always exists after defaults. */
interface Entry<A, R extends boolean> {
  readonly codec: t.Type<A, string, unknown>;
  readonly fallback: string | undefined;
  readonly required: R;
}
const withDefault = <A>(codec: t.Type<A, string, unknown>, fallback: string): Entry<A, true> => ({ codec, fallback, required: true });
const optional = <A>(codec: t.Type<A, string, unknown>, fallback?: string): Entry<A, false> => ({ codec, fallback, required: false });
type Values<S> = { readonly [K in keyof S]: S[K] extends Entry<infer A, infer R> ? (R extends true ? A : A | undefined) : never };

// One template per per-function key: the schema's key and the value read back are the same expression,
// so renaming one renames both, and a misspelt key does not compile.
const memoryKey = <F extends FunctionName>(fn: F) => `${fn}MemoryMb` as const;
const timeoutKey = <F extends FunctionName>(fn: F) => `${fn}TimeoutSeconds` as const;
const reservedKey = <F extends FunctionName>(fn: F) => `${fn}ReservedConcurrency` as const;

type SizingKeys = { readonly [K in ReturnType<typeof memoryKey<FunctionName>> | ReturnType<typeof timeoutKey<FunctionName>>]: Entry<number, true> } & {
  readonly [K in ReturnType<typeof reservedKey<FunctionName>>]: Entry<number, false>;
};

function sizingKeys(): SizingKeys {
  const keys = {} as { -readonly [K in keyof SizingKeys]: SizingKeys[K] };
  for (const fn of functionNames) {
    const spec = functionSpecs[fn];
    keys[memoryKey(fn)] = withDefault(integer(128, 10240), String(spec.memoryMb));
    keys[timeoutKey(fn)] = withDefault(integer(1, 900), String(spec.timeoutSeconds));
    // 0 would throttle every invocation: a function that never runs is refused, not deployed.
    keys[reservedKey(fn)] = optional(integer(1, 10000), spec.reservedConcurrency === undefined ? undefined : String(spec.reservedConcurrency));
  }
  return keys;
}

/** Every key with its codec and default. */
const schema = {
  lambdaArchitecture: withDefault(oneOf<Architecture>(["arm64", "x86_64"]), "arm64"),
  logLevel: withDefault(oneOf(["trace", "debug", "info", "warn", "error", "fatal"] as const), "info"),
  lambdaApplicationLogLevel: optional(oneOf(lambdaLogLevels)),
  lambdaSystemLogLevel: withDefault(oneOf(["DEBUG", "INFO", "WARN"] as const), "INFO"),
  lambdaAccountConcurrency: withDefault(integer(10, 1_000_000), "1000"),
  ...sizingKeys(),
  sqsBatchSize: withDefault(integer(1, 10000), String(eventQueue.batchSize)),
  sqsBatchingWindowSeconds: withDefault(integer(0, 300), String(eventQueue.maximumBatchingWindowSeconds)),
  processorMaximumConcurrency: withDefault(integer(2, 1000), String(eventQueue.maximumConcurrency)),
  payloadExpirationDays: withDefault(integer(1, 3650), "90"),
  payloadBucketForceDestroy: withDefault(boolean, "false"),
  dbEngineVersion: withDefault(matching("postgresVersion", /^\d{2}(\.\d+)?$/, "a PostgreSQL version such as 17 or 17.4"), "17"),
  dbInstanceClass: withDefault(matching("instanceClass", /^db\.[a-z0-9]+\.[a-z0-9]+$/, "an RDS instance class such as db.t4g.micro"), "db.t4g.micro"),
  dbAllocatedStorageGb: withDefault(integer(20, 65536), "20"),
  dbMultiAz: withDefault(boolean, "false"),
  dbBackupRetentionDays: withDefault(integer(0, 35), "1"),
  dbDeletionProtection: withDefault(boolean, "false"),
  dbProxy: withDefault(boolean, "false"),
  dbProxyMaxConnectionsPercent: withDefault(integer(1, 100), "90"),
  dbMaxConnections: optional(integer(6, 262143)),
  dbPoolSize: withDefault(integer(1, 20), String(defaultDatabasePoolSize)),
  dbOperatorConnections: withDefault(integer(0, 1000), "5"),
  natStrategy: withDefault(oneOf<NatStrategy>(["none", "single", "onePerAz"]), "single"),
  logRetentionDays: withDefault(oneOf(logRetentionValues), "14"),
  apiGatewayAccountSettings: withDefault(boolean, "false"),
  apiThrottleRateLimit: withDefault(integer(1, 10000), "50"),
  apiThrottleBurstLimit: withDefault(integer(1, 5000), "100"),
  apiQuotaLimit: withDefault(integer(1, 1_000_000_000), "100000"),
  apiQuotaPeriod: withDefault(oneOf(["DAY", "WEEK", "MONTH"] as const), "DAY"),
  alarmFunctionErrors: withDefault(integer(1, 100000), "1"),
  alarmFunctionThrottles: withDefault(integer(1, 100000), "1"),
  alarmApi5xx: withDefault(integer(1, 100000), "1"),
  alarmQueueAgeSeconds: withDefault(integer(60, 1209600), "300"),
  [replayLimits.queueUrlsKey]: withDefault(queueUrlList, ""),
  [replayLimits.maxWindowDaysKey]: withDefault(integer(1, 3650), String(replayLimits.defaultMaxWindowDays)),
  alarmEmail: optional(matching("email", /^[^@\s]+@[^@\s]+\.[^@\s]+$/, "an e-mail address")),
  sources: optional(sourcesJson),
};
type Schema = typeof schema;
type ConfigKey = keyof Schema;

export const configKeys = Object.keys(schema) as ConfigKey[];

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid stack config:\n  ${problems.join("\n  ")}`);
    this.name = "ConfigError";
  }
}

const key = (name: ConfigKey) => `${configNamespace}:${name}`;

/** Decodes every key of the schema, filling defaults; each problem names its key. */
function decodeAll(raw: Readonly<Record<string, string | undefined>>, problems: string[]): Values<Schema> {
  const values: Partial<Record<ConfigKey, unknown>> = {};
  for (const name of Object.keys(raw)) {
    if (!(name in schema)) problems.push(`${configNamespace}:${name}: unknown key`);
  }
  for (const name of configKeys) {
    const { codec, fallback } = schema[name] as Entry<unknown, boolean>;
    const given = raw[name] ?? fallback;
    if (given === undefined) continue;
    const decoded = codec.decode(given);
    if (isLeft(decoded)) problems.push(`${key(name)}: ${decoded.left.map((e) => e.message).join("; ")}`);
    else values[name] = decoded.right;
  }
  // Every key with a default was decoded or reported; the optional ones may be absent.
  return values as Values<Schema>;
}

/**
 * Lambda files a JSON line without a `level` as INFO, and EMF metric lines carry none: an
 * application log level above INFO would drop Fluxa's metrics. Unset, it follows logLevel.
 */
function applicationLogLevel(v: Values<Schema>, problems: string[]): LambdaLogLevel {
  const level = v.lambdaApplicationLogLevel ?? (v.logLevel === "trace" || v.logLevel === "debug" ? (v.logLevel.toUpperCase() as LambdaLogLevel) : "INFO");
  if (lambdaLogLevels.indexOf(level) > lambdaLogLevels.indexOf("INFO")) {
    problems.push(
      `${key("lambdaApplicationLogLevel")}: ${level} would drop Fluxa's metrics (Lambda files EMF lines, which carry no level, as INFO); ` +
        `set ${key("logLevel")} to ${level.toLowerCase()} instead, which the functions apply before writing`,
    );
  }
  return level;
}

/** AWS: Lambda refuses reservations that leave fewer than 100 executions unreserved in the account. */
function reservationProblems(config: FluxaConfig): string[] {
  const reserved = functionNames.filter((fn) => config.functions[fn].reservedConcurrency !== undefined);
  const total = reserved.reduce((sum, fn) => sum + (config.functions[fn].reservedConcurrency ?? 0), 0);
  if (total <= config.lambdaAccountConcurrency - 100) return [];
  const keys = reserved.map((fn) => `${configNamespace}:${reservedKey(fn)}`).join(", ");
  return [
    `${key("lambdaAccountConcurrency")}: reservations total ${total} (${keys}), but Lambda keeps 100 of the account's ${config.lambdaAccountConcurrency} unreserved; ` +
      "lower the reservations or raise the account quota and this key",
  ];
}

/**
 * Validates raw stack config (keys without the `fluxa:` prefix) and fills defaults.
 * Every problem names its key; unknown keys are rejected so a typo cannot silently fall back to a
 * default; a stack whose functions can open more connections than its database accepts is refused.
 */
export function parseConfig(raw: Readonly<Record<string, string | undefined>>, stack: string, region: string): FluxaConfig {
  const problems: string[] = [];
  const v = decodeAll(raw, problems);
  // AWS: an SQS event source mapping accepts a batch size above 10 only with a batching window.
  if (v.sqsBatchSize > 10 && v.sqsBatchingWindowSeconds === 0) {
    problems.push(`${key("sqsBatchSize")}: above 10 requires ${key("sqsBatchingWindowSeconds")} of at least 1`);
  }
  if (!region) problems.push("aws:region: is required (pulumi config set aws:region <region>)");
  const lambdaApplication = applicationLogLevel(v, problems);
  const stageLimits = { throttleRateLimit: v.apiThrottleRateLimit, throttleBurstLimit: v.apiThrottleBurstLimit, quotaLimit: v.apiQuotaLimit, quotaPeriod: v.apiQuotaPeriod };
  const sources = parseSources(v.sources, stageLimits, problems);
  if (problems.length > 0) throw new ConfigError(problems);

  const sizing = (fn: FunctionName): FunctionSizing => ({
    memoryMb: v[memoryKey(fn)],
    timeoutSeconds: v[timeoutKey(fn)],
    reservedConcurrency: v[reservedKey(fn)],
  });
  const config: FluxaConfig = {
    stack,
    region,
    functions: Object.fromEntries(functionNames.map((fn) => [fn, sizing(fn)])) as Record<FunctionName, FunctionSizing>,
    architecture: v.lambdaArchitecture,
    logLevel: v.logLevel,
    lambdaLogLevels: { application: lambdaApplication, system: v.lambdaSystemLogLevel },
    lambdaAccountConcurrency: v.lambdaAccountConcurrency,
    queue: { batchSize: v.sqsBatchSize, batchingWindowSeconds: v.sqsBatchingWindowSeconds, maximumConcurrency: v.processorMaximumConcurrency },
    payload: { expirationDays: v.payloadExpirationDays, forceDestroy: v.payloadBucketForceDestroy },
    database: {
      engineVersion: v.dbEngineVersion,
      instanceClass: v.dbInstanceClass,
      allocatedStorageGb: v.dbAllocatedStorageGb,
      multiAz: v.dbMultiAz,
      backupRetentionDays: v.dbBackupRetentionDays,
      deletionProtection: v.dbDeletionProtection,
      proxy: v.dbProxy,
      proxyMaxConnectionsPercent: v.dbProxyMaxConnectionsPercent,
      maxConnections: v.dbMaxConnections,
      poolSize: v.dbPoolSize,
      operatorConnections: v.dbOperatorConnections,
    },
    natStrategy: v.natStrategy,
    logRetentionDays: v.logRetentionDays,
    replay: { queueUrls: v.replayQueueUrls, maxWindowDays: v.replayMaxWindowDays },
    api: {
      manageAccountSettings: v.apiGatewayAccountSettings,
      throttleRateLimit: v.apiThrottleRateLimit,
      throttleBurstLimit: v.apiThrottleBurstLimit,
      quotaLimit: v.apiQuotaLimit,
      quotaPeriod: v.apiQuotaPeriod,
    },
    sources,
    alarms: {
      functionErrors: v.alarmFunctionErrors,
      functionThrottles: v.alarmFunctionThrottles,
      api5xx: v.alarmApi5xx,
      queueAgeSeconds: v.alarmQueueAgeSeconds,
      email: v.alarmEmail,
    },
  };
  const limits = [...budgetProblems(config, configNamespace), ...reservationProblems(config)];
  if (limits.length > 0) throw new ConfigError(limits);
  return config;
}

/** Reads the current stack's config once; the only place the program touches `pulumi.Config`. */
export function loadConfig(): FluxaConfig {
  const prefix = `${configNamespace}:`;
  const raw = Object.fromEntries(
    Object.entries(pulumi.runtime.allConfig())
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, value]) => [key.slice(prefix.length), value]),
  );
  return parseConfig(raw, pulumi.getStack(), new pulumi.Config("aws").get("region") ?? "");
}
