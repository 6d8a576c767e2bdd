import type { FluxaConfig } from "../../stack-config/config";
import { connectionBudget } from "../../stack-config/connection-budget";
import { defaultMaxBatchEvents } from "../../functions/ingest/batch-request";
import { eventQueue } from "../../functions/topology";

/** AWS: Lambda allocates CPU in proportion to memory; at 1,769 MB a function has the equivalent of one vCPU. */
export const oneVcpuMemoryMb = 1769;

/** The share of a vCPU a function gets at its memory size; a single-threaded handler gains nothing above one. */
export function vcpuShare(memoryMb: number): number {
  return Math.min(1, memoryMb / oneVcpuMemoryMb);
}

/**
 * The assumption that carries a local time to Lambda: all of it is CPU time on one core, so it
 * stretches by 1 / vcpuShare. An upper bound: waiting for the database or AWS does not stretch.
 */
export function lambdaMs(localMs: number, memoryMb: number): number {
  return localMs / vcpuShare(memoryMb);
}

export interface StackCapacity {
  readonly stack: string;
  readonly batchSize: number;
  readonly processorMemoryMb: number;
  readonly vcpuShare: number;
  /** One environment invoked back to back on the bench's machine, at this batch size. */
  readonly localEventsPerSecondPerEnvironment: number;
  readonly lambdaMsPerInvocation: number;
  readonly eventsPerSecondPerEnvironment: number;
  /** Processor environments at once: the mapping's maximum concurrency (Lambda's pollers never run more). */
  readonly concurrency: number;
  /** The database connections those environments hold, of those the connection budget gives the functions. */
  readonly processorConnections: number;
  readonly functionConnectionSupply: number;
  readonly processorEventsPerSecond: number;
  /** API Gateway's stage throttle, in requests per second, and what it lets in as single POSTs and as full batch POSTs. */
  readonly apiRequestsPerSecond: number;
  readonly apiBatchEventsPerSecond: number;
  /** The highest sustained rate: the processor's, unless the API's throttle (with full batch POSTs) is lower. */
  readonly eventsPerSecond: number;
  readonly limitedBy: "processor" | "API throttle";
}

/** What the capacity reads of a stack's config. */
export type CapacityConfig = Pick<FluxaConfig, "stack" | "functions" | "queue" | "database" | "api">;

/**
 * Events per second a stack's processors sustain: one environment's rate at the stack's batch size,
 * measured locally and carried to Lambda at the function's CPU share, times the environments the
 * mapping may run, unless API Gateway's throttle admits fewer even as full batch POSTs.
 */
export function stackCapacity(config: CapacityConfig, localEventsPerSecondPerEnvironment: number, maxBatchEvents = defaultMaxBatchEvents): StackCapacity {
  const batchSize = config.queue.batchSize;
  const memoryMb = config.functions[eventQueue.consumer].memoryMb;
  const localMs = (1000 * batchSize) / localEventsPerSecondPerEnvironment;
  const invocationMs = lambdaMs(localMs, memoryMb);
  const perEnvironment = (1000 * batchSize) / invocationMs;
  // parseConfig refuses a stack whose connection budget cannot hold this many environments' pools.
  const concurrency = config.queue.maximumConcurrency;
  const processorEventsPerSecond = perEnvironment * concurrency;
  const apiBatchEventsPerSecond = config.api.throttleRateLimit * maxBatchEvents;
  return {
    stack: config.stack,
    batchSize,
    processorMemoryMb: memoryMb,
    vcpuShare: vcpuShare(memoryMb),
    localEventsPerSecondPerEnvironment,
    lambdaMsPerInvocation: invocationMs,
    eventsPerSecondPerEnvironment: perEnvironment,
    concurrency,
    processorConnections: concurrency * config.database.poolSize,
    functionConnectionSupply: connectionBudget(config).functionSupply,
    processorEventsPerSecond,
    apiRequestsPerSecond: config.api.throttleRateLimit,
    apiBatchEventsPerSecond,
    eventsPerSecond: Math.min(processorEventsPerSecond, apiBatchEventsPerSecond),
    limitedBy: processorEventsPerSecond <= apiBatchEventsPerSecond ? "processor" : "API throttle",
  };
}
