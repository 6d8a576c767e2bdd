import { readFileSync } from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";

export const repositoryRoot = path.resolve(__dirname, "..", "..");
/** Where `npm run bench` writes its latest results (git-ignored). */
export const resultsFile = path.join(repositoryRoot, "bench-results.json");

/** The p-th percentile (0-100) by nearest rank; NaN for no samples. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export interface LatencySummary {
  readonly samples: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export function summariseLatencies(latenciesMs: readonly number[]): LatencySummary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return {
    samples: sorted.length,
    p50Ms: round(percentile(sorted, 50)),
    p95Ms: round(percentile(sorted, 95)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted.at(-1) ?? Number.NaN),
  };
}

/** Runs `work` and returns how long it took, in milliseconds. */
export async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

export function round(value: number, digits = 1): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export function ratio(value: number, baseline: number): number {
  return round(value / baseline, 2);
}

export function median(values: readonly number[]): number {
  return round(percentile([...values].sort((a, b) => a - b), 50));
}

/** One line per step on stderr; on a terminal the step's progress is redrawn in place. */
export function progress(label: string): { update(done: number, total: number): void; done(summary: string): void } {
  const live = process.stderr.isTTY;
  let lastPrinted = 0;
  return {
    update(done, total) {
      const percent = Math.floor((done / total) * 100);
      if (live) process.stderr.write(`\r  ${label}: ${done}/${total} (${percent}%)   `);
      else if (percent >= lastPrinted + 25) {
        lastPrinted = percent - (percent % 25);
        process.stderr.write(`  ${label}: ${percent}%\n`);
      }
    },
    done(summary) {
      process.stderr.write(`${live ? "\r" : ""}  ${label}: ${summary}${live ? "          " : ""}\n`);
    },
  };
}

export function packageVersion(name: string): string {
  const file = path.join(repositoryRoot, "node_modules", name, "package.json");
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}
