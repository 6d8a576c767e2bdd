import { randomUUID } from "node:crypto";
import type { SQSBatchResponse } from "aws-lambda";
import { startTestStack } from "../lib/local-stack-client";
import { eventBody, sqsBatch } from "./fixtures";
import { median, progress } from "./measure";

/** Bytes the functions write per event, at each log level a stack may run. */
export interface LogVolume {
  readonly posts: number;
  /** Per log level (pino's names): bytes per event of ingest's and the processor's lines, EMF included. */
  readonly bytesPerEvent: Record<
    string,
    {
      readonly ingest: number;
      readonly processorByBatchSize: Record<string, number>;
      /** Ingest's bytes per event when events arrive in POST /events/batch requests of this many ("1" is single POSTs). */
      readonly ingestByEventsPerRequest: Record<string, number>;
    }
  >;
  /** Median ingest handler time (`ingest_latency_ms`) per request of this many events, at `debug`: an upper bound for `info`. */
  readonly ingestHandlerMsByEventsPerRequest: Record<string, number>;
}

/** The request sizes the costs are worked out for: single POSTs, and POST /events/batch of 10 and 100. */
export const eventsPerRequestSizes = [1, 10, 100] as const;
/** Requests sent per size: 100 single POSTs, as many events in batches. */
const requestsPerSize: Readonly<Record<number, number>> = { 1: 100, 10: 20, 100: 10 };

/** The levels a stack may run, in pino's order; EMF lines carry none and Lambda files them as INFO. */
const levelValues: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };
const measuredLevels = ["debug", "info"];
const posts = requestsPerSize[1];
const headers = (apiKey: string) => ({ "content-type": "application/json", "x-api-key": apiKey });

/** One POST /events (202), or one POST /events/batch of `size` events (207, each result enqueued); every event must be accepted. */
async function post(apiUrl: string, apiKey: string, size: number): Promise<void> {
  const single = size === 1;
  const body = single ? eventBody : `{"events":[${Array.from({ length: size }, () => eventBody).join(",")}]}`;
  const response = await fetch(`${apiUrl}/events${single ? "" : "/batch"}`, { method: "POST", headers: headers(apiKey), body });
  const text = await response.text();
  const accepted = single ? response.status === 202 : response.status === 207 && (JSON.parse(text) as { results: { status: string }[] }).results.every((r) => r.status === "enqueued");
  if (!accepted) throw new Error(`POST /events${single ? "" : "/batch"} of ${size} answered ${response.status}: ${text.slice(0, 300)}`);
}
const batchesPerSize = 5;

interface Line {
  readonly level: number;
  readonly bytes: number;
}

function ingestMsOf(line: string): number | undefined {
  return line.includes('"ingest_latency_ms"') ? (JSON.parse(line) as { ingest_latency_ms: number }).ingest_latency_ms : undefined;
}

function levelOf(line: string): number {
  // Fluxa's logger writes the level by name.
  const level = line.startsWith("{") ? (JSON.parse(line) as { level?: unknown }).level : undefined;
  return (typeof level === "string" ? levelValues[level] : undefined) ?? levelValues.info;
}

/**
 * A second local stack at `debug`, with no pollers, so that only what the bench sends runs: single
 * POST /events through the API, then POST /events/batch of 10 and 100, then processor batches of each
 * size invoked directly. A level's volume is the lines at or above it, newline included, as Lambda
 * ships them to CloudWatch Logs.
 */
export async function measureLogVolume(bundleDir: string, batchSizes: readonly number[]): Promise<LogVolume> {
  const lines: Record<string, Line[]> = { ingest: [], processor: [] };
  const ingestMs: number[] = [];
  const t = await startTestStack({
    bundleDir,
    logLevel: "debug",
    pollerConcurrency: 0,
    onFunctionLog: (name, line) => {
      lines[name]?.push({ level: levelOf(line), bytes: Buffer.byteLength(line) + 1 });
      const ms = name === "ingest" ? ingestMsOf(line) : undefined;
      if (ms !== undefined) ingestMs.push(ms);
    },
  });
  const bar = progress("log volume at debug and info");
  try {
    const ingestBySize: Record<number, Line[]> = {};
    const ingestMsBySize: Record<number, number[]> = {};
    for (const size of eventsPerRequestSizes) {
      const [linesBefore, msBefore] = [lines.ingest.length, ingestMs.length];
      for (let done = 0; done < requestsPerSize[size]; done++) await post(t.stack.apiUrl, t.apiKey, size);
      ingestBySize[size] = lines.ingest.slice(linesBefore);
      ingestMsBySize[size] = ingestMs.slice(msBefore);
    }
    const ingest = ingestBySize[1];
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
          ingestByEventsPerRequest: Object.fromEntries(
            eventsPerRequestSizes.map((size) => [String(size), Math.round(bytesAt(level, ingestBySize[size]) / (size * requestsPerSize[size]))]),
          ),
        },
      ]),
    );
    const ingestHandlerMsByEventsPerRequest = Object.fromEntries(eventsPerRequestSizes.map((size) => [String(size), median(ingestMsBySize[size])]));
    bar.done(Object.entries(bytesPerEvent).map(([level, b]) => `${level}: ingest ${b.ingest} B/event`).join(", "));
    return { posts, bytesPerEvent, ingestHandlerMsByEventsPerRequest };
  } finally {
    await t.stop();
  }
}
