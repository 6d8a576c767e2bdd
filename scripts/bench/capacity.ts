import type { FluxaConfig } from "../../stack-config/config";
import { connectionBudget, type ConnectionBudget } from "../../stack-config/connection-budget";
import { defaultMaxBatchEvents } from "../../functions/ingest/batch-request";
import { eventQueue, functionNames } from "../../functions/topology";
import { databaseFigure, multiAzCommitMs, synchronousCommitsPerBatch, type CeilingBend, type DatabaseFigure } from "./database-capacity";

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

/**
 * AWS: API Gateway's throttle per account and region across all its APIs, steady requests per second
 * (apigateway/latest/developerguide/limits.html): 10,000, or 2,500 in the regions listed there.
 */
const apiGatewayLowQuotaRegions = [
  "af-south-1", "eu-south-1", "ap-southeast-3", "me-central-1", "ap-south-2", "ap-southeast-4", "eu-south-2",
  "eu-central-2", "il-central-1", "ca-west-1", "ap-southeast-5", "ap-southeast-7", "mx-central-1",
];

export function apiGatewayAccountRequestsPerSecond(region: string): number {
  return apiGatewayLowQuotaRegions.includes(region) ? 2_500 : 10_000;
}

/**
 * AWS: SNS's Publish quota for standard topics, messages per second per account and region, which
 * counts every message of a PublishBatch (general/latest/gr/sns.html); soft limits, raised on request.
 */
const snsPublishMessagesPerSecond: Readonly<Record<string, number>> = { "us-east-1": 30_000, "us-west-2": 9_000, "eu-west-1": 9_000 };
const snsPublishMessagesPerSecondElsewhere = 1_500;

export function snsPublishQuota(region: string): number {
  return snsPublishMessagesPerSecond[region] ?? snsPublishMessagesPerSecondElsewhere;
}

export type CapacityLimitName = "processors" | "database" | "SNS publish quota" | "Lambda concurrency" | "API throttle" | "connection budget";

/** One bound on a stack's sustained events/s, and how it is made. */
export interface CapacityLimit {
  readonly name: CapacityLimitName;
  readonly eventsPerSecond: number;
  readonly because: string;
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
  /** The shared database at the stack's instance class; null when the run did not measure its ceiling. */
  readonly database: DatabaseFigure | null;
  /** Every bound that was known, in this order; the capacity is the least. */
  readonly limits: readonly CapacityLimit[];
  readonly eventsPerSecond: number;
  readonly limitedBy: CapacityLimitName;
}

/** What the capacity reads of a stack's config. */
export type CapacityConfig = Pick<FluxaConfig, "stack" | "region" | "functions" | "queue" | "database" | "api" | "sources" | "lambdaAccountConcurrency">;

/** What the capacity takes of a bench run, at the stack's batch size. */
export interface CapacityMeasurements {
  readonly localEventsPerSecondPerEnvironment: number;
  /** The database ceiling measured at the stack's batch size. */
  readonly databaseCeiling?: CeilingBend & { readonly batchSize: number };
  /** Local ingest handler time of one full POST /events/batch (maxBatchEvents events). */
  readonly ingestLocalMsPerFullBatch?: number;
}

/**
 * Events per second a stack sustains: the least of its processors (one environment's measured rate
 * carried to Lambda at the function's CPU share, times the mapping's maximum concurrency), the shared
 * database at its instance class, SNS's Publish quota in its region, the Lambda concurrency left to
 * ingest, API Gateway's throttles (account, stage and the usage plans together) with full batch
 * POSTs, and the processor environments the connection budget can hold.
 */
export function stackCapacity(config: CapacityConfig, measured: CapacityMeasurements, maxBatchEvents = defaultMaxBatchEvents): StackCapacity {
  const batchSize = config.queue.batchSize;
  const memoryMb = config.functions[eventQueue.consumer].memoryMb;
  const localEventsPerSecondPerEnvironment = measured.localEventsPerSecondPerEnvironment;
  const localMs = (1000 * batchSize) / localEventsPerSecondPerEnvironment;
  const standbyMs = config.database.multiAz ? synchronousCommitsPerBatch * multiAzCommitMs : 0;
  const invocationMs = lambdaMs(localMs, memoryMb) + standbyMs;
  const perEnvironment = (1000 * batchSize) / invocationMs;
  // parseConfig refuses a stack whose connection budget cannot hold this many environments' pools.
  const concurrency = config.queue.maximumConcurrency;
  const processorEventsPerSecond = perEnvironment * concurrency;
  const budget = connectionBudget(config);
  const api = apiRequestsPerSecond(config);
  const database = measured.databaseCeiling ? (databaseFigure(config, measured.databaseCeiling) ?? null) : null;
  const limits: CapacityLimit[] = [
    {
      name: "processors",
      eventsPerSecond: processorEventsPerSecond,
      because: `${Math.round(perEnvironment)} events/s per environment × ${concurrency} (processorMaximumConcurrency)${standbyMs > 0 ? `, batch time + ${standbyMs} ms for the Multi-AZ standby` : ""}`,
    },
    ...(database ? [{ name: "database" as const, eventsPerSecond: database.eventsPerSecond, because: `${database.instanceClass}, ${database.boundBy}-bound` }] : []),
    { name: "SNS publish quota", eventsPerSecond: snsPublishQuota(config.region), because: `${snsPublishQuota(config.region)} messages/s in ${config.region}, one per event (PublishBatch counts each message)` },
    ...lambdaConcurrencyLimit(config, measured.ingestLocalMsPerFullBatch, maxBatchEvents),
    { name: "API throttle", eventsPerSecond: api.requestsPerSecond * maxBatchEvents, because: `${api.because}, × ${maxBatchEvents} events per POST /events/batch` },
    connectionLimit(config, budget, perEnvironment),
  ];
  const binding = limits.reduce((least, limit) => (limit.eventsPerSecond < least.eventsPerSecond ? limit : least));
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
    functionConnectionSupply: budget.functionSupply,
    processorEventsPerSecond,
    database,
    limits,
    eventsPerSecond: binding.eventsPerSecond,
    limitedBy: binding.name,
  };
}

/** API Gateway admits the least of the account's regional throttle, the stage's, and all usage plans' rates together. */
function apiRequestsPerSecond(config: CapacityConfig): { requestsPerSecond: number; because: string } {
  const plans = config.sources.reduce((sum, source) => sum + source.rateLimit, 0);
  const account = apiGatewayAccountRequestsPerSecond(config.region);
  const requestsPerSecond = Math.min(account, config.api.throttleRateLimit, plans);
  return { requestsPerSecond, because: `least of account ${account}, stage ${config.api.throttleRateLimit} and usage plans ${plans} requests/s` };
}

/**
 * AWS: every function in the account and region draws on one concurrency quota. Ingest has its
 * reservation, or what the reservations and the processor's mapping leave unreserved.
 */
function lambdaConcurrencyLimit(config: CapacityConfig, ingestLocalMs: number | undefined, maxBatchEvents: number): CapacityLimit[] {
  if (ingestLocalMs === undefined) return [];
  const reserved = functionNames.reduce((sum, fn) => sum + (config.functions[fn].reservedConcurrency ?? 0), 0);
  const processorUnreserved = config.functions[eventQueue.consumer].reservedConcurrency === undefined ? config.queue.maximumConcurrency : 0;
  const ingestReserved = config.functions.ingest.reservedConcurrency;
  const ingestConcurrency = ingestReserved ?? Math.max(0, config.lambdaAccountConcurrency - reserved - processorUnreserved);
  const requestMs = lambdaMs(ingestLocalMs, config.functions.ingest.memoryMb);
  return [
    {
      name: "Lambda concurrency",
      eventsPerSecond: ((ingestConcurrency * 1000) / requestMs) * maxBatchEvents,
      because:
        `ingest ${ingestReserved === undefined ? `unreserved ${ingestConcurrency} of the account's ${config.lambdaAccountConcurrency}` : `reserved ${ingestReserved}`} ` +
        `× ${maxBatchEvents} events per ${Math.round(requestMs)} ms batch POST`,
    },
  ];
}

/** The processor environments whose pools fit in what the budget leaves after the other functions'. */
function connectionLimit(config: CapacityConfig, budget: ConnectionBudget, perEnvironment: number): CapacityLimit {
  const others = budget.demands.filter((d) => d.who !== eventQueue.consumer).reduce((sum, d) => sum + d.connections, 0);
  const environments = Math.max(0, Math.floor((budget.functionSupply - others) / config.database.poolSize));
  return {
    name: "connection budget",
    eventsPerSecond: environments * perEnvironment,
    because: `(${budget.functionSupply} connections − ${others} for other functions) / pool ${config.database.poolSize} = ${environments} environments`,
  };
}
