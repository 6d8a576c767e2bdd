import { envNames } from "../topology";
import { EnvironmentError, optionalInteger, optionalString, type Environment } from "./env";

/** How much time one partition of `events` covers, by `created_at` in UTC. */
export const partitionWidths = ["day", "month"] as const;
export type PartitionWidth = (typeof partitionWidths)[number];

/** The partitions kept ahead of the current one when a stack does not say: two weeks of days, a quarter of months. */
export const defaultPartitionsAhead: Readonly<Record<PartitionWidth, number>> = { day: 14, month: 3 };
export const maxPartitionsAhead = 366;

export interface PartitionLayout {
  readonly width: PartitionWidth;
  /** Partitions that exist beyond the one holding now. */
  readonly ahead: number;
}

/** What a stack that says nothing gets: daily partitions, two weeks ahead. */
export const defaultPartitionLayout: PartitionLayout = { width: "day", ahead: defaultPartitionsAhead.day };

/** One partition: `[from, to)` of created_at. */
export interface PartitionRange {
  readonly name: string;
  readonly from: Date;
  readonly to: Date;
}

/** The first instant (UTC) of the period that holds `at`. */
export function periodStart(width: PartitionWidth, at: Date): Date {
  const day = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), width === "day" ? at.getUTCDate() : 1);
  return new Date(day);
}

function nextPeriod(width: PartitionWidth, start: Date): Date {
  return width === "day"
    ? new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate() + 1))
    : new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
}

/** `events_pYYYYMMDD`, named by the first day of its range. */
export function partitionName(from: Date): string {
  return `events_p${from.toISOString().slice(0, 10).replaceAll("-", "")}`;
}

/** The partition holding `at`. */
export function partitionOf(width: PartitionWidth, at: Date): PartitionRange {
  const from = periodStart(width, at);
  return { name: partitionName(from), from, to: nextPeriod(width, from) };
}

/** Every partition from the one holding `since` (or `now`, if later) through `ahead` past the one holding `now`. */
export function partitionsThrough(layout: PartitionLayout, now: Date, since: Date = now): PartitionRange[] {
  const ranges: PartitionRange[] = [];
  const first = since < now ? since : now;
  const last = partitionOf(layout.width, now);
  for (let range = partitionOf(layout.width, first); ; range = partitionOf(layout.width, range.to)) {
    ranges.push(range);
    if (range.from >= last.from) break;
  }
  for (let n = 0; n < layout.ahead; n++) ranges.push(partitionOf(layout.width, ranges[ranges.length - 1].to));
  return ranges;
}

/** PARTITION_WIDTH and PARTITIONS_AHEAD, read at cold start. */
export function partitionLayoutFromEnv(env: Environment): PartitionLayout {
  const raw = optionalString(env, envNames.partitionWidth) ?? defaultPartitionLayout.width;
  const width = partitionWidths.find((w) => w === raw);
  if (width === undefined) throw new EnvironmentError(envNames.partitionWidth, `must be one of ${partitionWidths.join(", ")}, got "${raw}"`);
  const ahead = optionalInteger(env, envNames.partitionsAhead, defaultPartitionsAhead[width], { min: 1, max: maxPartitionsAhead });
  return { width, ahead };
}
