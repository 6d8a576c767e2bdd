import type { FluxaConfig } from "../../stack-config/config";
import { eventQueue } from "../../functions/topology";
import { lambdaMs } from "./capacity";
import type { ListPrices } from "./prices";

/** AWS bills SQS and SNS requests per 64 KiB chunk of payload. */
export const billingChunkBytes = 64 * 1024;
/** SQS ReceiveMessage and DeleteMessageBatch, and SNS PublishBatch, take at most 10 entries a call. */
const entriesPerCall = 10;
const gib = 1024 ** 3;
const events = 1_000_000;

/** What a million events cost is made of, per event or per call, from a bench run. */
export interface CostInputs {
  /** Local handler time of one single-event POST /events. */
  readonly ingestLocalMs: number;
  /** Local handler time of one processor invocation at the stack's batch size. */
  readonly processorLocalMs: number;
  readonly queueMessageBytes: number;
  readonly notificationBytes: number;
  /** SNS messages per publish call: 10 for Fluxa's PublishBatch, 1 for the seed's Publish per event. */
  readonly notificationsPerCall: number;
  /** Bytes the functions log per event at the stack's log level (their own lines and EMF). */
  readonly functionLogBytesPerEvent: number;
  /** Lambda's own lines per invocation (start and report) and API Gateway's access log line per request. */
  readonly platformLogBytesPerInvocation: number;
  readonly accessLogBytesPerRequest: number;
  /** Share of events whose payload goes through S3 (over the large-payload threshold): an assumption, not measured. */
  readonly largePayloadShare: number;
}

export interface CostPart {
  readonly part: string;
  /** Per million events, in the unit billed. */
  readonly quantity: number;
  readonly unit: string;
  readonly dollars: number;
}

export interface PerMillionEvents {
  readonly stack: string;
  readonly parts: readonly CostPart[];
  readonly dollars: number;
}

/** What the cost reads of a stack's config. */
export type CostConfig = Pick<FluxaConfig, "stack" | "functions" | "queue" | "logRetentionDays">;

export function chunks(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / billingChunkBytes));
}

/** Lambda bills duration in whole milliseconds. */
function billedGbSeconds(localMs: number, memoryMb: number): number {
  return (Math.ceil(lambdaMs(localMs, memoryMb)) / 1000) * (memoryMb / 1024);
}

/** Calls of at most `perCall` entries of `bytes` each for `count` entries, each call billed per 64 KiB chunk. */
function billedCalls(count: number, perCall: number, bytes: number): number {
  const full = Math.floor(count / perCall);
  const rest = count - full * perCall;
  return full * chunks(perCall * bytes) + (rest > 0 ? chunks(rest * bytes) : 0);
}

/**
 * The cost of a million events sent as single-event POSTs: each line's quantity from the stack's
 * sizing and the bench's measurements, priced at the dated list prices.
 */
export function costPerMillionEvents(config: CostConfig, inputs: CostInputs, prices: ListPrices): PerMillionEvents {
  const batch = config.queue.batchSize;
  const invocations = events / batch;
  const requests = events;
  const ingestMb = config.functions.ingest.memoryMb;
  const processorMb = config.functions[eventQueue.consumer].memoryMb;
  const gbSeconds = requests * billedGbSeconds(inputs.ingestLocalMs, ingestMb) + invocations * billedGbSeconds(inputs.processorLocalMs, processorMb);
  const sqs =
    requests * chunks(inputs.queueMessageBytes) +
    invocations * billedCalls(batch, entriesPerCall, inputs.queueMessageBytes) +
    invocations * Math.ceil(batch / entriesPerCall);
  const sns = invocations * billedCalls(batch, inputs.notificationsPerCall, inputs.notificationBytes);
  const s3Payloads = events * inputs.largePayloadShare;
  const logGb =
    (events * inputs.functionLogBytesPerEvent + (requests + invocations) * inputs.platformLogBytesPerInvocation + requests * inputs.accessLogBytesPerRequest) / gib;
  const months = config.logRetentionDays / 30;
  const parts: CostPart[] = [
    { part: "API Gateway requests", quantity: requests, unit: "requests", dollars: (requests * prices.apiGatewayPerMillionRequests) / 1e6 },
    { part: "Lambda invocations", quantity: requests + invocations, unit: "invocations", dollars: ((requests + invocations) * prices.lambdaPerMillionRequests) / 1e6 },
    { part: "Lambda duration", quantity: gbSeconds, unit: "GB-s", dollars: gbSeconds * prices.lambdaPerGbSecond },
    { part: "SQS requests (send, receive, delete)", quantity: sqs, unit: "64 KiB requests", dollars: (sqs * prices.sqsPerMillionRequests) / 1e6 },
    { part: "SNS publishes", quantity: sns, unit: "64 KiB requests", dollars: (sns * prices.snsPerMillionRequests) / 1e6 },
    {
      part: "S3 requests for large payloads",
      quantity: 2 * s3Payloads,
      unit: "PUT + GET",
      dollars: (s3Payloads * prices.s3PutPerThousand) / 1000 + (s3Payloads * prices.s3GetPerThousand) / 1000,
    },
    { part: "CloudWatch Logs ingested", quantity: logGb, unit: "GiB", dollars: logGb * prices.logsPerGbIngested },
    { part: "CloudWatch Logs stored for the retention", quantity: logGb * months, unit: "GiB-months", dollars: logGb * months * prices.logsPerGbMonthStored },
  ];
  return { stack: config.stack, parts, dollars: parts.reduce((sum, p) => sum + p.dollars, 0) };
}
