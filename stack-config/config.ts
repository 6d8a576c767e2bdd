import * as pulumi from "@pulumi/pulumi";
import { functionNames } from "../functions/topology";
import { lambdaLogLevels } from "./codecs";
import { budgetProblems } from "./connection-budget";
import { configNamespace, namespaced, sizingKeys, stackSettings, type StackConfigValues } from "./keys";
import { decodeTree, settingsOf } from "./setting";
import { parseSources, type SourceConfig } from "./sources";

export { configNamespace };
export type { LambdaLogLevel } from "./codecs";
export type { Architecture, FunctionSizing, NatStrategy } from "./keys";

/**
 * The validated stack config: every declared key decoded (stack-config/keys.ts), with the stack's name
 * and region; `sources` checked against the stage's limits (stack-config/sources.ts).
 */
export type FluxaConfig = { readonly stack: string; readonly region: string; readonly sources: readonly SourceConfig[] } & Omit<StackConfigValues, "sources">;

export const configKeys = settingsOf(stackSettings).map((s) => s.key);

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid stack config:\n  ${problems.join("\n  ")}`);
    this.name = "ConfigError";
  }
}

/** Problems between keys that each decoded on their own. */
function crossKeyProblems(settings: Omit<StackConfigValues, "sources">): string[] {
  const problems: string[] = [];
  const { queue, lambdaLogLevels: levels } = stackSettings;
  // AWS: an SQS event source mapping accepts a batch size above 10 only with a batching window.
  if (settings.queue.batchSize > 10 && settings.queue.batchingWindowSeconds === 0) {
    problems.push(`${namespaced(queue.batchSize)}: above 10 requires ${namespaced(queue.batchingWindowSeconds)} of at least 1`);
  }
  // Lambda files a JSON line without a `level` as INFO, and EMF metric lines carry none.
  const application = settings.lambdaLogLevels.application;
  if (lambdaLogLevels.indexOf(application) > lambdaLogLevels.indexOf("INFO")) {
    problems.push(
      `${namespaced(levels.application)}: ${application} would drop Fluxa's metrics (Lambda files EMF lines, which carry no level, as INFO); ` +
        `set ${namespaced(stackSettings.logLevel)} to ${application.toLowerCase()} instead, which the functions apply before writing`,
    );
  }
  problems.push(...retentionProblems(settings));
  return problems;
}

/** Archive without retention would never run; raw/ payloads outliving (or not reaching) their events' window breaks the window. */
function retentionProblems(settings: Omit<StackConfigValues, "sources">): string[] {
  const { retention, payload } = stackSettings;
  const days = settings.retention.days;
  if (days === undefined) return settings.retention.archive ? [`${namespaced(retention.archive)}: archives partitions as they expire; set ${namespaced(retention.days)} too`] : [];
  if (settings.payload.expirationDays !== days) {
    return [`${namespaced(payload.expirationDays)}: ${settings.payload.expirationDays} differs from ${namespaced(retention.days)} ${days}; raw/ payloads follow their events' window: unset it`];
  }
  return [];
}

/** AWS: Lambda refuses reservations that leave fewer than 100 executions unreserved in the account. */
function reservationProblems(config: FluxaConfig): string[] {
  const reserved = functionNames.filter((fn) => config.functions[fn].reservedConcurrency !== undefined);
  const total = reserved.reduce((sum, fn) => sum + (config.functions[fn].reservedConcurrency ?? 0), 0);
  if (total <= config.lambdaAccountConcurrency - 100) return [];
  const keys = reserved.map((fn) => namespaced(sizingKeys.reservedConcurrency(fn))).join(", ");
  return [
    `${namespaced(stackSettings.lambdaAccountConcurrency)}: reservations total ${total} (${keys}), but Lambda keeps 100 of the account's ${config.lambdaAccountConcurrency} unreserved; ` +
      "lower the reservations or raise the account quota and this key",
  ];
}

/**
 * Validates raw stack config (keys without the `fluxa:` prefix) and fills defaults.
 * Every problem names its key; unknown keys are rejected so a typo cannot silently fall back to a
 * default; a stack whose functions can open more connections than its database accepts is refused.
 */
export function parseConfig(raw: Readonly<Record<string, string | undefined>>, stack: string, region: string): FluxaConfig {
  const problems = Object.keys(raw)
    .filter((name) => !configKeys.includes(name))
    .map((name) => `${namespaced(name)}: unknown key`);
  const decoded = decodeTree(stackSettings, raw, configNamespace, problems);
  const settings = { ...decoded, sources: parseSources(decoded.sources, decoded.api, problems) };
  if (!region) problems.push("aws:region: is required (pulumi config set aws:region <region>)");
  if (problems.length > 0) throw new ConfigError(problems);
  const crossKey = crossKeyProblems(settings);
  if (crossKey.length > 0) throw new ConfigError(crossKey);
  const config: FluxaConfig = { stack, region, ...settings };
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
