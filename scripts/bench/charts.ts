/** The pictures of a bench run that docs/PERFORMANCE.md embeds (render.ts --write puts them in docs/). */
import type { DatabaseCeiling } from "./database-capacity";
import type { EndToEnd } from "./end-to-end";
import { lineChart } from "./svg-chart";

const percentiles = [
  ["p50", "p50Ms"],
  ["p95", "p95Ms"],
  ["p99", "p99Ms"],
  ["max", "maxMs"],
] as const;

/** 202→readable latency at each percentile, one line per offered load. */
export function endToEndLatencyChart(runs: readonly EndToEnd[]): string {
  return lineChart({
    title: "End to end: 202 → readable, by offered load",
    xLabel: "percentile of events",
    yLabel: "ms",
    xTicks: percentiles.map(([label], index) => [index, label]),
    series: runs.map((run) => ({
      name: `${run.offeredPerSecond}/s${run.eventsPerRequest > 1 ? `, batches of ${run.eventsPerRequest}` : ""}`,
      points: percentiles.map(([, field], index) => [index, run.readableAfterAccept[field]] as const),
    })),
  });
}

/** Events/s against processor environments at once (doubling, so on a log scale), one line per batch size. */
export function databaseCeilingChart(ceilings: readonly DatabaseCeiling[]): string {
  const environments = [...new Set(ceilings.flatMap((c) => c.steps.map((step) => step.environments)))].sort((a, b) => a - b);
  return lineChart({
    title: "Database ceiling: processor environments against one PostgreSQL",
    xLabel: "processor environments at once",
    yLabel: "events/s",
    xTicks: environments.map((n) => [Math.log2(n), String(n)]),
    series: ceilings.map((c) => ({ name: `batch ${c.batchSize}`, points: c.steps.map((step) => [Math.log2(step.environments), step.eventsPerSecond] as const) })),
  });
}

/** docs/ file name → SVG text, for the figures the run measured. */
export function benchCharts(results: { readonly endToEnd?: readonly EndToEnd[]; readonly databaseCeiling?: readonly DatabaseCeiling[] }): Record<string, string> {
  return {
    ...(results.endToEnd && results.endToEnd.length > 0 ? { "docs/end-to-end-latency.svg": endToEndLatencyChart(results.endToEnd) } : {}),
    ...(results.databaseCeiling && results.databaseCeiling.length > 0 ? { "docs/database-ceiling.svg": databaseCeilingChart(results.databaseCeiling) } : {}),
  };
}
