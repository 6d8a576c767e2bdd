import { randomUUID } from "node:crypto";
import type { SQSBatchResponse } from "aws-lambda";
import { startTestStack } from "../lib/local-stack-client";
import { eventBody, sqsBatch } from "./fixtures";
import { progress } from "./measure";

/** Bytes the functions write per event, at each log level a stack may run. */
export interface LogVolume {
  readonly posts: number;
  /** Per log level (pino's names): bytes per event of ingest's and the processor's lines, EMF included. */
  readonly bytesPerEvent: Record<string, { readonly ingest: number; readonly processorByBatchSize: Record<string, number> }>;
}

/** The levels a stack may run, in pino's order; EMF lines carry none and Lambda files them as INFO. */
const levelValues: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };
const measuredLevels = ["debug", "info"];
const posts = 100;
const batchesPerSize = 5;

interface Line {
  readonly level: number;
  readonly bytes: number;
}

function levelOf(line: string): number {
  // Fluxa's logger writes the level by name.
  const level = line.startsWith("{") ? (JSON.parse(line) as { level?: unknown }).level : undefined;
  return (typeof level === "string" ? levelValues[level] : undefined) ?? levelValues.info;
}

/**
 * A second local stack at `debug`, with no pollers, so that only what the bench sends runs: single
 * POST /events through the API, then processor batches of each size invoked directly. A level's
 * volume is the lines at or above it, newline included, as Lambda ships them to CloudWatch Logs.
 */
export async function measureLogVolume(bundleDir: string, batchSizes: readonly number[]): Promise<LogVolume> {
  const lines: Record<string, Line[]> = { ingest: [], processor: [] };
  const t = await startTestStack({
    bundleDir,
    logLevel: "debug",
    pollerConcurrency: 0,
    onFunctionLog: (name, line) => lines[name]?.push({ level: levelOf(line), bytes: Buffer.byteLength(line) + 1 }),
  });
  const bar = progress("log volume at debug and info");
  try {
    for (let done = 0; done < posts; done++) {
      const response = await fetch(`${t.stack.apiUrl}/events`, { method: "POST", headers: { "content-type": "application/json", "x-api-key": t.apiKey }, body: eventBody });
      if (response.status !== 202) throw new Error(`POST /events answered ${response.status}`);
      await response.arrayBuffer();
    }
    const ingest = [...lines.ingest];
    const processor: Record<number, Line[]> = {};
    for (const size of batchSizes) {
      const before = lines.processor.length;
      for (let batch = 0; batch < batchesPerSize; batch++) {
        const response = (await t.stack.functions.invoke("processor", sqsBatch(size, `bench-logs-${randomUUID()}`).event)) as SQSBatchResponse;
        if (response.batchItemFailures.length > 0) throw new Error(`processor failed ${response.batchItemFailures.length} records`);
      }
      processor[size] = lines.processor.slice(before);
      bar.update(batchSizes.indexOf(size) + 1, batchSizes.length);
    }
    const bytesAt = (level: string, of: readonly Line[]) => of.filter((l) => l.level >= levelValues[level]).reduce((sum, l) => sum + l.bytes, 0);
    const bytesPerEvent = Object.fromEntries(
      measuredLevels.map((level) => [
        level,
        {
          ingest: Math.round(bytesAt(level, ingest) / posts),
          processorByBatchSize: Object.fromEntries(batchSizes.map((size) => [String(size), Math.round(bytesAt(level, processor[size]) / (size * batchesPerSize))])),
        },
      ]),
    );
    bar.done(Object.entries(bytesPerEvent).map(([level, b]) => `${level}: ingest ${b.ingest} B/event`).join(", "));
    return { posts, bytesPerEvent };
  } finally {
    await t.stop();
  }
}
