import { functionNames } from "../../functions/topology";
import type { BundleColdStart } from "./cold-start";
import type { EndToEnd } from "./end-to-end";
import type { IngestComparison } from "./ingest";
import type { BatchComparison, PipelineThroughput } from "./processor";

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
  /** Rising offered loads; the highest single-event one is the issue's. */
  readonly endToEnd: EndToEnd[];
  readonly coldStart: BundleColdStart[];
  readonly targets: Target[];
}

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

const endToEndP95TargetMs = 250;

function rejectedCount(run: EndToEnd): number {
  return Object.values(run.rejectedByStatus).reduce((sum, count) => sum + count, 0);
}

/** The highest rate of single-event POSTs that were all accepted with 202→readable p95 within the target. */
export function sustainedRate(runs: readonly EndToEnd[]): number | undefined {
  const met = runs.filter((run) => run.eventsPerRequest === 1 && rejectedCount(run) === 0 && run.readableAfterAccept.p95Ms <= endToEndP95TargetMs);
  return met.length > 0 ? Math.max(...met.map((run) => run.offeredPerSecond)) : undefined;
}

/** 202→readable p95 within the target, and met only if every POST of the run was accepted. */
function endToEndTarget(run: EndToEnd): Target {
  const rejected = rejectedCount(run);
  const measured = target(`end to end p95 at ${run.offeredPerSecond}/s, every POST accepted`, run.readableAfterAccept.p95Ms, "ms", "≤", endToEndP95TargetMs);
  return rejected === 0 ? measured : { ...measured, name: `${measured.name} (${rejected} rejected)`, met: false };
}

/** The issue's targets, each against the figure it constrains. */
export function evaluateTargets(results: Omit<BenchResults, "targets">): Target[] {
  const batch100 = results.processor.batches.find((b) => b.batchSize === 100);
  const lambdas = results.coldStart.filter((b) => (functionNames as string[]).includes(b.name));
  // The issue's figure: the highest offered rate, as single-event POSTs.
  const e2e = results.endToEnd.filter((run) => run.eventsPerRequest === 1).reduce((a, b) => (b.offeredPerSecond > a.offeredPerSecond ? b : a));
  return [
    ...(batch100
      ? [
          target("processor, batch 100, vs multi-row INSERT", batch100.ratioToRawInsert, "×", "≥", 0.5),
          target("processor, batch 100, vs seed design", batch100.ratioToSeedDesign, "×", "≥", 10),
          target("processor, batch 100, vs seed design + its SNS Publish per event", batch100.ratioToSeedDesignWithPublish, "×", "≥", 10),
        ]
      : []),
    target("ingest req/s vs bare Node server", results.ingest.ratioToBareServer, "×", "≥", 0.8),
    endToEndTarget(e2e),
    ...lambdas.map((b) => target(`${b.name} bundle size`, Math.round(b.bytes / 102.4) / 10, "KB", "≤", 150)),
    ...lambdas.map((b) => target(`${b.name} cold init vs hello world`, b.initRatioToHelloWorld, "×", "≤", 1.5)),
  ];
}

function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((row) => row.map(String))];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => row[column].length)));
  const line = (row: string[]) => `| ${row.map((cell, column) => cell.padEnd(widths[column])).join(" | ")} |`;
  return [line(cells[0]), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...cells.slice(1).map(line)].join("\n");
}

/** The results as Markdown tables, printed by the bench and pasted into docs/PERFORMANCE.md. */
export function formatResults(results: BenchResults): string {
  const { processor, ingest, endToEnd: e2e } = results;
  const sustainedPerSecond = sustainedRate(e2e);
  const sustained = sustainedPerSecond === undefined ? "none of the rates measured" : `${sustainedPerSecond} events/s`;
  const throughput = table(
    [
      "batch",
      "Fluxa processor ev/s",
      "invoke / handler / persist / publish ms",
      "multi-row INSERT ev/s",
      "seed design ev/s (+ SNS per event)",
      "vs INSERT",
      "vs seed (+ SNS)",
    ],
    processor.batches.map((b) => {
      const { invokeMs, handlerMs, persistMs, publishMs } = b.fluxa.perInvocation;
      return [
        b.batchSize,
        b.fluxa.eventsPerSecond,
        `${invokeMs} / ${handlerMs} / ${persistMs} / ${publishMs}`,
        b.rawInsert.eventsPerSecond,
        `${b.seedDesign.eventsPerSecond} (${b.seedDesignWithPublish.eventsPerSecond})`,
        `${b.ratioToRawInsert}×`,
        `${b.ratioToSeedDesign}× (${b.ratioToSeedDesignWithPublish}×)`,
      ];
    }),
  );
  const pipe = processor.localPipeline;
  const ingestTable = table(
    ["POST /events", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors"],
    [
      ["local API", ingest.localApi],
      ["bare Node server", ingest.bareServer],
    ].map(([name, run]) => {
      const r = run as IngestComparison["localApi"];
      return [name as string, r.requestsPerSecond, r.latency.p50Ms, r.latency.p95Ms, r.latency.p99Ms, r.errors];
    }),
  );
  const coldTable = table(
    ["bundle", "size KB", "require ms", "init ms (spawn→ready)", "vs hello world", "vs sdk-clients"],
    results.coldStart.map((b) => [
      b.name,
      Math.round(b.bytes / 102.4) / 10,
      b.requireMs,
      b.initMs,
      `${b.initRatioToHelloWorld}×`,
      `${b.initRatioToSdkClients}×`,
    ]),
  );
  const targets = table(
    ["target", "measured", "goal", "met"],
    results.targets.map((t) => [t.name, `${t.measured} ${t.unit}`, `${t.comparison} ${t.target} ${t.unit}`, t.met ? "yes" : "NO"]),
  );
  return [
    `### Processor throughput (one execution environment, batches invoked back to back)\n\n${throughput}`,
    `Whole local pipeline (SendMessageBatch → poll → invoke → delete, ${pipe.events} events): ` +
      `${pipe.eventsPerSecond} events/s, ${pipe.invocations} invocations, ${pipe.eventsPerInvocation} events per invocation. ` +
      `What caps it: ${pipe.pollers} pollers (at most ${pipe.pollers} invocations at a time) × ${pipe.eventsPerInvocation} events ` +
      `per invocation at a median handler time of ${pipe.handlerMs} ms allow ${pipe.handlerBoundEventsPerSecond} events/s; ` +
      `the rest of the gap is receiving, invoking and deleting, on the same ${results.machine.cpus} cores. On AWS the polling is Lambda's.`,
    `### Ingest (${ingest.connections} connections, ${ingest.seconds} s, autocannon)\n\n${ingestTable}\n\nlocal API / bare server: ${ingest.ratioToBareServer}×`,
    `### End to end (open loop: POSTs launched on schedule whatever the answers)\n\n` +
      table(
        ["offered", "accepted", "rejected", "POST→answer p50/p95 ms", "202→readable p50 ms", "p95 ms", "p99 ms", "max ms", "never readable"],
        e2e.map((run) => [
          `${run.offeredPerSecond}/s × ${run.seconds} s${run.eventsPerRequest > 1 ? `, batches of ${run.eventsPerRequest}` : ""}`,
          run.accepted,
          Object.entries(run.rejectedByStatus).map(([status, count]) => `${count} ${status}`).join(", ") || 0,
          `${run.acceptLatency.p50Ms} / ${run.acceptLatency.p95Ms}`,
          run.readableAfterAccept.p50Ms,
          run.readableAfterAccept.p95Ms,
          run.readableAfterAccept.p99Ms,
          run.readableAfterAccept.maxMs,
          run.neverReadable,
        ]),
      ) +
      `\n\nHighest rate of single-event POSTs all accepted with 202→readable p95 ≤ ${endToEndP95TargetMs} ms: ${sustained}.`,
    `### Cold start (median of 7 fresh processes)\n\n${coldTable}`,
    `### Targets\n\n${targets}`,
  ].join("\n\n");
}
