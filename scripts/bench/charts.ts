/** The pictures of a bench run that docs/PERFORMANCE.md embeds (render.ts --write puts them in docs/). */
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

/** docs/ file name → SVG text, for the figures the run measured. */
export function benchCharts(results: { readonly endToEnd?: readonly EndToEnd[] }): Record<string, string> {
  return results.endToEnd && results.endToEnd.length > 0 ? { "docs/end-to-end-latency.svg": endToEndLatencyChart(results.endToEnd) } : {};
}
