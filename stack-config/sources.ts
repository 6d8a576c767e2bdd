import * as t from "io-ts";
import { defaultSourceName, sourceNamePattern, sourceNameRule } from "../functions/shared/sources";

/** One producer of a stack: its API keys, its usage plan's limits, its own events. */
export interface SourceConfig {
  readonly name: string;
  /** Requests per second its usage plan allows (steady rate). */
  readonly rateLimit: number;
  readonly burstLimit: number;
  readonly quotaLimit: number;
  readonly quotaPeriod: QuotaPeriod;
  /** Active API key slots: 1, or 2 while a key is rotated. */
  readonly keys: number;
  /** The number of the oldest active slot; raising it retires that slot's key (rotation). */
  readonly firstKey: number;
}

export const quotaPeriods = ["DAY", "WEEK", "MONTH"] as const;
export type QuotaPeriod = (typeof quotaPeriods)[number];

/** The stage's own limits: each source's defaults, and the ceiling of its rate and burst. */
export interface StageLimits {
  readonly throttleRateLimit: number;
  readonly throttleBurstLimit: number;
  readonly quotaLimit: number;
  readonly quotaPeriod: QuotaPeriod;
}

/** The config key, and the stage keys a refusal names. */
export const sourcesKey = "fluxa:sources";
const stageKeys = { rateLimit: "fluxa:apiThrottleRateLimit", burstLimit: "fluxa:apiThrottleBurstLimit" } as const;

const fields = ["name", "rateLimit", "burstLimit", "quotaLimit", "quotaPeriod", "keys", "firstKey"] as const;

/**
 * Pulumi hands structured config to the program as JSON text: the codec only parses it, and
 * `parseSources` checks each entry against the stage's limits.
 */
export const sourcesJson = new t.Type<unknown, string, unknown>(
  "sourcesJson",
  (u): u is unknown => u !== undefined,
  (u, c) => {
    if (typeof u !== "string") return t.failure(u, c, "must be a list of sources");
    try {
      return t.success(JSON.parse(u));
    } catch {
      return t.failure(u, c, "must be a list of sources (structured config: `- name: web` entries under fluxa:sources)");
    }
  },
  (u) => JSON.stringify(u),
);

/** Without the key: one source named `default` with the stage's limits and one key, as before sources. */
export function defaultSources(stage: StageLimits): SourceConfig[] {
  return [{ name: defaultSourceName, ...limitsOf(stage), keys: 1, firstKey: 1 }];
}

function limitsOf(stage: StageLimits) {
  return { rateLimit: stage.throttleRateLimit, burstLimit: stage.throttleBurstLimit, quotaLimit: stage.quotaLimit, quotaPeriod: stage.quotaPeriod };
}

/** Checks the decoded list; every problem names `fluxa:sources` and the entry. */
export function parseSources(value: unknown, stage: StageLimits, problems: string[]): SourceConfig[] {
  if (value === undefined) return defaultSources(stage);
  if (!Array.isArray(value)) {
    problems.push(`${sourcesKey}: must be a list of sources, each with a name`);
    return [];
  }
  if (value.length === 0) {
    problems.push(`${sourcesKey}: must list at least one source (remove the key for a single source named "${defaultSourceName}")`);
    return [];
  }
  const seen = new Set<string>();
  const sources: SourceConfig[] = [];
  value.forEach((entry: unknown, index) => {
    const label = entryLabel(entry, index);
    const say = (problem: string) => problems.push(`${sourcesKey}: ${label}: ${problem}`);
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      say("must be a mapping with at least a name");
      return;
    }
    const given = entry as Record<string, unknown>;
    for (const field of Object.keys(given)) if (!(fields as readonly string[]).includes(field)) say(`unknown field "${field}" (known: ${fields.join(", ")})`);
    const { name } = given;
    if (typeof name !== "string" || !sourceNamePattern.test(name)) say(`name ${sourceNameRule}, got ${JSON.stringify(name)}`);
    else if (seen.has(name)) say(`name "${name}" is used by an earlier entry; source names are unique`);
    else seen.add(name);
    const defaults = limitsOf(stage);
    const whole = (field: string, fallback: number, min: number, max: number, ceiling?: string): number => {
      const raw = given[field] ?? fallback;
      const n = typeof raw === "string" && /^\d+$/.test(raw.trim()) ? Number(raw) : raw;
      if (typeof n !== "number" || !Number.isInteger(n) || n < min) {
        say(`${field} must be a whole number of at least ${min}, got ${JSON.stringify(raw)}`);
      } else if (n > max) {
        say(ceiling ? `${field} ${n} is above the stage's ${ceiling} (${max}): the stage would throttle first` : `${field} must be at most ${max}, got ${n}`);
      }
      return n as number;
    };
    const rateLimit = whole("rateLimit", defaults.rateLimit, 1, stage.throttleRateLimit, stageKeys.rateLimit);
    const burstLimit = whole("burstLimit", defaults.burstLimit, 1, stage.throttleBurstLimit, stageKeys.burstLimit);
    const quotaLimit = whole("quotaLimit", defaults.quotaLimit, 1, 1_000_000_000);
    const keys = whole("keys", 1, 1, 2);
    const firstKey = whole("firstKey", 1, 1, 1_000_000);
    const quotaPeriod = given.quotaPeriod ?? defaults.quotaPeriod;
    if (!(quotaPeriods as readonly unknown[]).includes(quotaPeriod)) say(`quotaPeriod must be one of ${quotaPeriods.join(", ")}, got ${JSON.stringify(quotaPeriod)}`);
    sources.push({ name: String(name), rateLimit, burstLimit, quotaLimit, quotaPeriod: quotaPeriod as QuotaPeriod, keys, firstKey });
  });
  return sources;
}

function entryLabel(entry: unknown, index: number): string {
  const name = typeof entry === "object" && entry !== null ? (entry as Record<string, unknown>).name : undefined;
  return typeof name === "string" ? `entry ${index + 1} ("${name}")` : `entry ${index + 1}`;
}

/** The key slots a source has now: `firstKey` .. `firstKey + keys - 1`. */
export function keySlots(source: Pick<SourceConfig, "keys" | "firstKey">): number[] {
  return Array.from({ length: source.keys }, (_, i) => source.firstKey + i);
}
