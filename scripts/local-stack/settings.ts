import * as path from "node:path";
import { functionNames, type FunctionName } from "../../functions/topology";
import { sourceNamePattern } from "../../functions/shared/sources";
import { defaultDataDir } from "../lib/running-local-stack";
import { logFormats, type LogFormat } from "./function-log-format";

/** A local source and the keys it is called with. */
export interface LocalSource {
  readonly name: string;
  readonly keys: readonly string[];
}

export interface LocalStackOptions {
  /** API port; 0 picks a free one. Default: env PORT, else 3000. */
  port?: number;
  /** Where PostgreSQL's data and the local API key live. Default: env FLUXA_DATA_DIR, else `.fluxa/` in the repository. */
  dataDir?: string;
  /** Use this PostgreSQL instead of starting one. Default: env DATABASE_URL, else embedded PostgreSQL. */
  databaseUrl?: string;
  /** Use this SQS/SNS/S3 endpoint (e.g. LocalStack) instead of fauxqs. Default: env AWS_ENDPOINT_URL, else in-process fauxqs. */
  awsEndpointUrl?: string;
  /** Keys accepted in `x-api-key`, all of the source `default`. Default: env FLUXA_API_KEYS (comma-separated), else one generated key kept in the data dir. */
  apiKeys?: string[];
  /** Sources and their keys; wins over apiKeys. Default: env FLUXA_SOURCES (`web:key-1,web:key-2,mobile:key-3`). */
  sources?: readonly LocalSource[];
  /** The event queue's visibility timeout. Default: env FLUXA_VISIBILITY_TIMEOUT_SECONDS, else the topology's multiple of the processor's timeout (the stack's, if given). */
  visibilityTimeoutSeconds?: number;
  /**
   * Size functions and the processor's mapping as this stack's `Pulumi.<stack>.yaml` does, validated as
   * for a deploy (reserved concurrency, maximum concurrency, batch size, timeouts, memory, pool size).
   * Default: env FLUXA_STACK, else the topology's defaults.
   */
  stack?: string;
  /** Reserved concurrency per function, over the stack's; invocations beyond it are throttled. Default: env FLUXA_RESERVED_CONCURRENCY (`ingest=2,processor=1`). */
  reservedConcurrency?: Partial<Record<FunctionName, number>>;
  /** Variables added to (or replacing) a function's environment, e.g. LARGE_PAYLOAD_THRESHOLD_BYTES. */
  functionEnvironment?: Partial<Record<FunctionName, Record<string, string>>>;
  /** LOG_LEVEL of every function. Default: env LOG_LEVEL, else info. */
  logLevel?: string;
  /** How function logs are printed: `pretty` (one readable line per entry and metric) or `json` (as written). Default: env FLUXA_LOG_FORMAT, else pretty when stdout is a terminal. */
  logFormat?: LogFormat;
  /** Silence function logs and the stack's own messages. Default false. */
  quiet?: boolean;
  /** Called with each log line a function writes (tests read the functions' JSON logs with it). */
  onFunctionLog?: (functionName: FunctionName, line: string) => void;
  /** Called with each of the stack's own messages (migrations applied, each throttle), quiet or not. */
  onStackMessage?: (message: string) => void;
  /** Use bundles already in `<bundleDir>/<function>/index.mjs` instead of building into dist/functions. */
  bundleDir?: string;
  /** Execution environments (worker threads) of a function without reserved concurrency; beyond them invocations wait. Default 2. */
  poolSize?: number;
  /** The processor mapping's maximum concurrency: pollers, each with one batch in flight. Default: env FLUXA_MAXIMUM_CONCURRENCY, else the stack's. */
  pollerConcurrency?: number;
  /** The maintenance function's retention window, as stack config retentionDays (15-3650). Default: env FLUXA_RETENTION_DAYS, else events are kept forever. */
  retentionDays?: number;
  /** Archive expired partitions before dropping them, as stack config archive; needs retentionDays. Default: env FLUXA_ARCHIVE, else false. */
  archive?: boolean;
}

type OptionalSettings =
  | "databaseUrl"
  | "awsEndpointUrl"
  | "apiKeys"
  | "sources"
  | "bundleDir"
  | "onFunctionLog"
  | "onStackMessage"
  | "visibilityTimeoutSeconds"
  | "stack"
  | "pollerConcurrency"
  | "retentionDays";
export type LocalStackSettings = Required<Omit<LocalStackOptions, OptionalSettings>> & Pick<LocalStackOptions, OptionalSettings>;

export { defaultDataDir };
const logLevels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

export class SettingError extends Error {
  constructor(name: string, value: string, expected: string) {
    super(`${name}=${JSON.stringify(value)} is not valid: expected ${expected}`);
    this.name = "SettingError";
  }
}

/** Options win over the environment; a malformed environment variable fails with its name. */
export function resolveSettings(options: LocalStackOptions, env: NodeJS.ProcessEnv, stdoutIsTerminal = Boolean(process.stdout.isTTY)): LocalStackSettings {
  return {
    port: options.port ?? read(env, "PORT", parsePort) ?? 3000,
    dataDir: path.resolve(options.dataDir ?? read(env, "FLUXA_DATA_DIR", parseNonEmpty) ?? defaultDataDir),
    databaseUrl: options.databaseUrl ?? read(env, "DATABASE_URL", parsePostgresUrl),
    awsEndpointUrl: options.awsEndpointUrl ?? read(env, "AWS_ENDPOINT_URL", parseHttpUrl),
    apiKeys: options.apiKeys ?? read(env, "FLUXA_API_KEYS", parseKeyList),
    sources: options.sources ?? read(env, "FLUXA_SOURCES", parseSourceKeys),
    visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? read(env, "FLUXA_VISIBILITY_TIMEOUT_SECONDS", parseVisibilityTimeout),
    stack: options.stack ?? read(env, "FLUXA_STACK", parseStackName),
    reservedConcurrency: options.reservedConcurrency ?? read(env, "FLUXA_RESERVED_CONCURRENCY", parseReservations) ?? {},
    functionEnvironment: options.functionEnvironment ?? {},
    logLevel: options.logLevel ?? read(env, "LOG_LEVEL", parseLogLevel) ?? "info",
    logFormat: options.logFormat ?? read(env, "FLUXA_LOG_FORMAT", parseLogFormat) ?? (stdoutIsTerminal ? "pretty" : "json"),
    quiet: options.quiet ?? false,
    bundleDir: options.bundleDir,
    onFunctionLog: options.onFunctionLog,
    onStackMessage: options.onStackMessage,
    poolSize: options.poolSize ?? 2,
    pollerConcurrency: options.pollerConcurrency ?? read(env, "FLUXA_MAXIMUM_CONCURRENCY", parseMaximumConcurrency),
    retentionDays: options.retentionDays ?? read(env, "FLUXA_RETENTION_DAYS", parseRetentionDays),
    archive: options.archive ?? read(env, "FLUXA_ARCHIVE", parseBoolean) ?? false,
  };
}

type Parser<T> = (value: string) => { ok: true; value: T } | { ok: false; expected: string };

function read<T>(env: NodeJS.ProcessEnv, name: string, parse: Parser<T>): T | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  const parsed = parse(raw);
  if (!parsed.ok) throw new SettingError(name, raw, parsed.expected);
  return parsed.value;
}

const parsePort: Parser<number> = (value) =>
  /^\d+$/.test(value) && Number(value) <= 65535 ? { ok: true, value: Number(value) } : { ok: false, expected: "a port number 0-65535" };

// AWS: a queue's visibility timeout is 0 to 43,200 s; Fluxa's backoff needs at least 1.
const parseVisibilityTimeout: Parser<number> = (value) =>
  /^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= 43_200
    ? { ok: true, value: Number(value) }
    : { ok: false, expected: "whole seconds, 1-43200" };

const parseNonEmpty: Parser<string> = (value) => (value.trim() ? { ok: true, value } : { ok: false, expected: "a path" });

function urlWithProtocol(protocols: string[], expected: string): Parser<string> {
  return (value) => {
    try {
      if (protocols.includes(new URL(value).protocol)) return { ok: true, value };
    } catch {
      // falls through to the failure below
    }
    return { ok: false, expected };
  };
}

const parsePostgresUrl = urlWithProtocol(["postgres:", "postgresql:"], "a postgres:// URL");
const parseHttpUrl = urlWithProtocol(["http:", "https:"], "an http(s):// URL");

const parseKeyList: Parser<string[]> = (value) => {
  const keys = value.split(",").map((key) => key.trim());
  return keys.every((key) => key.length > 0) ? { ok: true, value: keys } : { ok: false, expected: "comma-separated non-empty keys" };
};

/** `source:key` pairs, comma-separated; a key belongs to one source only. */
export const parseSourceKeys: Parser<LocalSource[]> = (value) => {
  const expected = "comma-separated <source>:<key> pairs, e.g. web:key-web-1,mobile:key-mob-1 (a source name matches ^[a-z][a-z0-9-]{0,31}$; each key once)";
  const sources = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const pair of value.split(",")) {
    const match = /^\s*([^:\s]+):(\S+)\s*$/.exec(pair);
    if (!match || !sourceNamePattern.test(match[1]) || seen.has(match[2])) return { ok: false, expected };
    seen.add(match[2]);
    sources.set(match[1], [...(sources.get(match[1]) ?? []), match[2]]);
  }
  return { ok: true, value: [...sources].map(([name, keys]) => ({ name, keys })) };
};

const parseLogLevel: Parser<string> = (value) =>
  logLevels.includes(value.toLowerCase()) ? { ok: true, value: value.toLowerCase() } : { ok: false, expected: logLevels.join("|") };

const parseLogFormat: Parser<LogFormat> = (value) =>
  (logFormats as readonly string[]).includes(value.toLowerCase()) ? { ok: true, value: value.toLowerCase() as LogFormat } : { ok: false, expected: logFormats.join("|") };

const parseStackName: Parser<string> = (value) =>
  /^[\w.-]+$/.test(value) ? { ok: true, value } : { ok: false, expected: "a stack name such as dev or prod (Pulumi.<stack>.yaml)" };

/** AWS: a mapping's maximum concurrency is 2 to 1000. */
const parseMaximumConcurrency: Parser<number> = (value) =>
  /^\d+$/.test(value) && Number(value) >= 2 && Number(value) <= 1000 ? { ok: true, value: Number(value) } : { ok: false, expected: "a whole number 2-1000" };

// Stack config retentionDays' bounds: a DLQ message redriven on its 14th day still finds its payload.
const parseRetentionDays: Parser<number> = (value) =>
  /^\d+$/.test(value) && Number(value) >= 15 && Number(value) <= 3650 ? { ok: true, value: Number(value) } : { ok: false, expected: "whole days, 15-3650" };

const parseBoolean: Parser<boolean> = (value) => (value === "true" || value === "false" ? { ok: true, value: value === "true" } : { ok: false, expected: "true or false" });

const parseReservations: Parser<Partial<Record<FunctionName, number>>> = (value) => {
  const expected = `comma-separated <function>=<reserved concurrency ≥ 1>, functions: ${functionNames.join(", ")}`;
  const reservations: Partial<Record<FunctionName, number>> = {};
  for (const entry of value.split(",")) {
    const match = /^\s*(\w+)\s*=\s*(\d+)\s*$/.exec(entry);
    if (!match || !functionNames.includes(match[1] as FunctionName) || Number(match[2]) < 1) return { ok: false, expected };
    reservations[match[1] as FunctionName] = Number(match[2]);
  }
  return { ok: true, value: reservations };
};
