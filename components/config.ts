import * as pulumi from "@pulumi/pulumi";
import * as t from "io-ts";
import { isLeft } from "fp-ts/lib/Either";
import { functionNames, functionSpecs, eventQueue, type FunctionName } from "../functions/topology";

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
  readonly logLevel: string;
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
  };
  readonly natStrategy: NatStrategy;
  readonly logRetentionDays: number;
  readonly api: {
    readonly throttleRateLimit: number;
    readonly throttleBurstLimit: number;
    readonly quotaLimit: number;
    readonly quotaPeriod: "DAY" | "WEEK" | "MONTH";
  };
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
  return fromString(`integer(${min}..${max})`, inRange, (s) => {
    if (!/^-?\d+$/.test(s)) return { problem: `must be a whole number, got "${s}"` };
    const n = Number(s);
    return inRange(n) ? { value: n } : { problem: `must be between ${min} and ${max}, got ${s}` };
  });
}

const boolean = fromString(
  "boolean",
  (u): u is boolean => typeof u === "boolean",
  (s) => (s === "true" || s === "false" ? { value: s === "true" } : { problem: `must be true or false, got "${s}"` }),
);

function oneOf<A extends string | number>(values: readonly A[]) {
  const member = (u: unknown): u is A => values.includes(u as A);
  return fromString(`oneOf(${values.join("|")})`, member, (s) => {
    const found = values.find((v) => String(v) === s);
    return found === undefined ? { problem: `must be one of ${values.join(", ")}, got "${s}"` } : { value: found };
  });
}

function matching(name: string, pattern: RegExp, what: string) {
  const matches = (u: unknown): u is string => typeof u === "string" && pattern.test(u);
  return fromString(name, matches, (s) => (pattern.test(s) ? { value: s } : { problem: `must be ${what}, got "${s}"` }));
}

/** AWS: CloudWatch Logs accepts only these retention periods. */
const logRetentionValues = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/** Every key with its codec and default; a key whose default is undefined is optional. */
const schema = {
  lambdaArchitecture: [oneOf<Architecture>(["arm64", "x86_64"]), "arm64"],
  logLevel: [oneOf(["trace", "debug", "info", "warn", "error", "fatal"]), "info"],
  ...Object.fromEntries(
    functionNames.flatMap((fn) => [
      [`${fn}MemoryMb`, [integer(128, 10240), String(functionSpecs[fn].memoryMb)]],
      [`${fn}TimeoutSeconds`, [integer(1, 900), String(functionSpecs[fn].timeoutSeconds)]],
      [`${fn}ReservedConcurrency`, [integer(0, 10000), undefined]],
    ]),
  ),
  sqsBatchSize: [integer(1, 10000), String(eventQueue.batchSize)],
  sqsBatchingWindowSeconds: [integer(0, 300), String(eventQueue.maximumBatchingWindowSeconds)],
  processorMaximumConcurrency: [integer(2, 1000), String(eventQueue.maximumConcurrency)],
  payloadExpirationDays: [integer(1, 3650), "90"],
  payloadBucketForceDestroy: [boolean, "false"],
  dbEngineVersion: [matching("postgresVersion", /^\d{2}(\.\d+)?$/, "a PostgreSQL version such as 17 or 17.4"), "17"],
  dbInstanceClass: [matching("instanceClass", /^db\.[a-z0-9]+\.[a-z0-9]+$/, "an RDS instance class such as db.t4g.micro"), "db.t4g.micro"],
  dbAllocatedStorageGb: [integer(20, 65536), "20"],
  dbMultiAz: [boolean, "false"],
  dbBackupRetentionDays: [integer(0, 35), "1"],
  dbDeletionProtection: [boolean, "false"],
  dbProxy: [boolean, "false"],
  natStrategy: [oneOf<NatStrategy>(["none", "single", "onePerAz"]), "single"],
  logRetentionDays: [oneOf(logRetentionValues), "14"],
  apiThrottleRateLimit: [integer(1, 10000), "50"],
  apiThrottleBurstLimit: [integer(1, 5000), "100"],
  apiQuotaLimit: [integer(1, 1_000_000_000), "100000"],
  apiQuotaPeriod: [oneOf(["DAY", "WEEK", "MONTH"] as const), "DAY"],
  alarmFunctionErrors: [integer(1, 100000), "1"],
  alarmFunctionThrottles: [integer(1, 100000), "1"],
  alarmApi5xx: [integer(1, 100000), "1"],
  alarmQueueAgeSeconds: [integer(60, 1209600), "300"],
  alarmEmail: [matching("email", /^[^@\s]+@[^@\s]+\.[^@\s]+$/, "an e-mail address"), undefined],
} as Record<string, readonly [t.Type<unknown, string, unknown>, string | undefined]>;

export const configKeys = Object.keys(schema);

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid stack config:\n  ${problems.join("\n  ")}`);
    this.name = "ConfigError";
  }
}

/**
 * Validates raw stack config (keys without the `fluxa:` prefix) and fills defaults.
 * Every problem names its key; unknown keys are rejected so a typo cannot silently fall back to a default.
 */
export function parseConfig(raw: Readonly<Record<string, string | undefined>>, stack: string, region: string): FluxaConfig {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const key of Object.keys(raw)) {
    if (!(key in schema)) problems.push(`${configNamespace}:${key}: unknown key`);
  }
  for (const [key, [codec, fallback]] of Object.entries(schema)) {
    const given = raw[key] ?? fallback;
    if (given === undefined) continue;
    const decoded = codec.decode(given);
    if (isLeft(decoded)) problems.push(`${configNamespace}:${key}: ${decoded.left.map((e) => e.message).join("; ")}`);
    else values[key] = decoded.right;
  }
  const v = values as Record<string, never>;
  const batchSize = v.sqsBatchSize as number;
  const window = v.sqsBatchingWindowSeconds as number;
  // AWS: an SQS event source mapping accepts a batch size above 10 only with a batching window.
  if (batchSize > 10 && window === 0) {
    problems.push(`${configNamespace}:sqsBatchSize: above 10 requires ${configNamespace}:sqsBatchingWindowSeconds of at least 1`);
  }
  if (!region) problems.push("aws:region: is required (pulumi config set aws:region <region>)");
  if (problems.length > 0) throw new ConfigError(problems);

  const functions = Object.fromEntries(
    functionNames.map((fn) => [
      fn,
      { memoryMb: v[`${fn}MemoryMb`], timeoutSeconds: v[`${fn}TimeoutSeconds`], reservedConcurrency: v[`${fn}ReservedConcurrency`] },
    ]),
  ) as unknown as Record<FunctionName, FunctionSizing>;
  return {
    stack,
    region,
    functions,
    architecture: v.lambdaArchitecture,
    logLevel: v.logLevel,
    queue: { batchSize, batchingWindowSeconds: window, maximumConcurrency: v.processorMaximumConcurrency },
    payload: { expirationDays: v.payloadExpirationDays, forceDestroy: v.payloadBucketForceDestroy },
    database: {
      engineVersion: v.dbEngineVersion,
      instanceClass: v.dbInstanceClass,
      allocatedStorageGb: v.dbAllocatedStorageGb,
      multiAz: v.dbMultiAz,
      backupRetentionDays: v.dbBackupRetentionDays,
      deletionProtection: v.dbDeletionProtection,
      proxy: v.dbProxy,
    },
    natStrategy: v.natStrategy,
    logRetentionDays: v.logRetentionDays,
    api: {
      throttleRateLimit: v.apiThrottleRateLimit,
      throttleBurstLimit: v.apiThrottleBurstLimit,
      quotaLimit: v.apiQuotaLimit,
      quotaPeriod: v.apiQuotaPeriod,
    },
    alarms: {
      functionErrors: v.alarmFunctionErrors,
      functionThrottles: v.alarmFunctionThrottles,
      api5xx: v.alarmApi5xx,
      queueAgeSeconds: v.alarmQueueAgeSeconds,
      email: v.alarmEmail,
    },
  };
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
