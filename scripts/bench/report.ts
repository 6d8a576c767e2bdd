import type { StackCapacity } from "./capacity";
import type { ClientBench } from "./client";
import type { ColdStarts } from "./cold-start";
import { logParts, type PerMillionEvents } from "./costs";
import type { DatabaseCeiling } from "./database-capacity";
import type { EndToEnd } from "./end-to-end";
import type { IngestComparison } from "./ingest";
import type { LogVolume } from "./log-volume";
import type { ListPrices } from "./prices";
import type { PipelineThroughput } from "./pipeline";
import type { BatchComparison } from "./processor";
import { round } from "./measure";

export type Stacks<T> = { readonly dev: T; readonly prod: T };

export interface BenchResults {
  readonly date: string;
  readonly durationSeconds: number;
  readonly machine: {
    readonly cpus: number;
    readonly cpuModel: string;
    readonly platform: string;
    readonly loadAverage1m: { readonly atStart: number; readonly atEnd: number };
  };
  readonly versions: Record<string, string>;
  readonly processor: { readonly batchSizes: number[]; readonly batches: BatchComparison[]; readonly localPipeline: PipelineThroughput };
  readonly ingest: IngestComparison;
  /** Median ingest handler time (its `ingest_latency_ms`) of single-event POSTs at the lowest end-to-end load. */
  readonly ingestHandlerMs: number;
  /** Rising offered loads; the 500/s batch run is the target's. */
  readonly endToEnd: EndToEnd[];
  readonly coldStart: ColdStarts;
  readonly logVolume: LogVolume;
  readonly client: ClientBench;
  /** The shared PostgreSQL under 1, 2, 4 and 8 processor environments, at each stack's batch size. */
  readonly databaseCeiling: DatabaseCeiling[];
  readonly capacity: Stacks<StackCapacity | null>;
  /** Single-event POSTs, with the seed's design, and by events per request ("1", "10", "100"). */
  readonly perMillionEvents: Stacks<
    (PerMillionEvents & { readonly seedDesign: PerMillionEvents; readonly byEventsPerRequest: Record<string, PerMillionEvents> }) | null
  >;
  readonly prices: ListPrices;
  readonly targets: Target[];
}

/** The parts a run with `--only` may leave out; capacity and costs need every one. */
type OptionalPart = "ingest" | "ingestHandlerMs" | "endToEnd" | "coldStart" | "logVolume" | "client" | "databaseCeiling" | "capacity" | "perMillionEvents";

/** What a run measured: everything, or with `--only` some parts (and of the processor's, batches or pipeline). */
export type MeasuredResults = Omit<BenchResults, OptionalPart | "processor"> &
  Partial<Pick<BenchResults, OptionalPart>> & { readonly processor?: Partial<BenchResults["processor"]> };

export interface Target {
  readonly name: string;
  readonly measured: number;
  readonly unit: string;
  readonly comparison: "≥" | "≤";
  readonly target: number;
  readonly met: boolean;
}

function target(name: string, measured: number, unit: string, comparison: "≥" | "≤", goal: number): Target {
  return { name, measured, unit, comparison, target: goal, met: comparison === "≥" ? measured >= goal : measured <= goal };
}

export const endToEndP95TargetMs = 250;
const targetRatioToFloor: Readonly<Record<number, number>> = { 10: 0.75, 100: 0.85 };
/**
 * Init time of the shipped bundle against its init floor's (the same clients and pool, built alike);
 * the ratio to a hello world is reported only, as it measures the machine's Node start as much as Fluxa.
 */
const coldInitTargetToFloor = 1.25;
/** Ingest's handlers against their raw SQS calls, per request size. */
const ingestTargetToFloor = 0.7;

export function rejectedCount(run: EndToEnd): number {
  return Object.values(run.rejectedByStatus).reduce((sum, count) => sum + count, 0);
}

/** The highest rate of single-event POSTs that were all accepted with 202→readable p95 within the target. */
export function sustainedRate(runs: readonly EndToEnd[]): number | undefined {
  const met = runs.filter((run) => run.eventsPerRequest === 1 && rejectedCount(run) === 0 && run.readableAfterAccept.p95Ms <= endToEndP95TargetMs);
  return met.length > 0 ? Math.max(...met.map((run) => run.offeredPerSecond)) : undefined;
}

/** 202→readable p95 within the target, and met only if every event of the run was accepted. */
function endToEndTarget(run: EndToEnd): Target {
  const rejected = rejectedCount(run);
  const name = `end to end p95 at ${run.offeredPerSecond}/s through POST /events/batch, every event accepted`;
  const measured = target(name, run.readableAfterAccept.p95Ms, "ms", "≤", endToEndP95TargetMs);
  return rejected === 0 ? measured : { ...measured, name: `${measured.name} (${rejected} rejected)`, met: false };
}

/** The targets, each against the figure it constrains. */
export function evaluateTargets(results: Omit<MeasuredResults, "targets">): Target[] {
  const batches = results.processor?.batches ?? [];
  const batchRun = results.endToEnd?.find((run) => run.eventsPerRequest > 1 && run.offeredPerSecond === 500);
  return [
    ...batches
      .filter((b) => targetRatioToFloor[b.batchSize] !== undefined)
      .map((b) => target(`processor, batch ${b.batchSize}, vs its floor (INSERT + SNS PublishBatch)`, b.ratioToFloor, "×", "≥", targetRatioToFloor[b.batchSize])),
    ...(batchRun ? [endToEndTarget(batchRun)] : []),
    ...(results.ingest?.floors ?? []).map((f) =>
      target(`ingest POST ${f.route} (${f.eventsPerRequest} per request) vs its raw ${f.eventsPerRequest === 1 ? "SendMessage" : "SendMessageBatch calls"}`, f.ratioToFloor, "×", "≥", ingestTargetToFloor),
    ),
    ...(results.coldStart?.functions ?? []).flatMap((f) =>
      f.initRatioToFloor === undefined ? [] : [target(`${f.name} cold init vs its init floor (its clients and pool, SDK ${f.shipped})`, f.initRatioToFloor, "×", "≤", coldInitTargetToFloor)],
    ),
    ...(results.client ? clientTargets(results.client.burst) : []),
    ...costTargets(results.perMillionEvents?.prod?.byEventsPerRequest?.[String(costTargetEventsPerRequest)]),
  ];
}

/** Prod's cost per million events sent as POST /events/batch of 100: about a tenth of the seed's design's. */
const costTargetEventsPerRequest = 100;
const costTargetDollars = 0.6;
const logsTargetDollars = 0.1;

function costTargets(cost: PerMillionEvents | undefined): Target[] {
  if (!cost) return [];
  const logs = cost.parts.filter((p) => logParts.includes(p.part)).reduce((sum, p) => sum + p.dollars, 0);
  const per = `prod, per million events as POST /events/batch of ${costTargetEventsPerRequest}`;
  return [target(`${per}: total`, round(cost.dollars, 3), "$", "≤", costTargetDollars), target(`${per}: CloudWatch Logs`, round(logs, 3), "$", "≤", logsTargetDollars)];
}

/** The client's buffer bound holds under a burst of 10× it: events and bytes held at the peak. */
function clientTargets(burst: ClientBench["burst"]): Target[] {
  return [
    target(`TypeScript client, ${burst.offered} sends at once: events held at the peak`, burst.peakBufferedEvents, "events", "≤", burst.bound.events),
    target(`TypeScript client, ${burst.offered} sends at once: bytes held at the peak`, burst.peakBufferedBytes, "bytes", "≤", burst.bound.bytes),
  ];
}

/** A Markdown table. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((row) => row.map(String))];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => row[column].length)));
  const line = (row: string[]) => `| ${row.map((cell, column) => cell.padEnd(widths[column])).join(" | ")} |`;
  return [line(cells[0]), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...cells.slice(1).map(line)].join("\n");
}

export const kilobytes = (bytes: number): number => Math.round(bytes / 102.4) / 10;
