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
  /** Events per API request: 1 for single POST /events, more for POST /events/batch. */
  readonly eventsPerRequest: number;
  /** Local handler time of one request of `eventsPerRequest` events. */
  readonly ingestLocalMs: number;
  /** Local handler time of one processor invocation at the stack's batch size. */
  readonly processorLocalMs: number;
  readonly queueMessageBytes: number;
  readonly notificationBytes: number;
  /** SNS messages per publish call: 10 for Fluxa's PublishBatch, 1 for the seed's Publish per event. */
  readonly notificationsPerCall: number;
  /** Bytes the functions log per event at the stack's log level (their own lines and EMF), at `eventsPerRequest`. */
  readonly functionLogBytesPerEvent: number;
  /** Lambda's own lines per invocation at the stack's system log level, and API Gateway's access log line per request. */
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
  /** How the line is made, in the run's figures and the list prices. */
  readonly arithmetic: string;
}

/** Bytes shipped to CloudWatch Logs per event, by who writes them. */
export interface LogBytesPerEvent {
  readonly functions: number;
  /** Lambda's platform lines: per invocation (ingest's and the processor's), divided by the events it carried. */
  readonly platform: number;
  readonly accessLog: number;
}

export interface PerMillionEvents {
  readonly stack: string;
  readonly eventsPerRequest: number;
  readonly logBytesPerEvent: LogBytesPerEvent;
  readonly parts: readonly CostPart[];
  readonly dollars: number;
}

/** What the cost reads of a stack's config. */
export type CostConfig = Pick<FluxaConfig, "stack" | "functions" | "queue" | "logRetentionDays">;

export function chunks(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / billingChunkBytes));
}

/** Lambda bills duration in whole milliseconds. */
function billedMs(localMs: number, memoryMb: number): number {
  return Math.ceil(lambdaMs(localMs, memoryMb));
}

function billedGbSeconds(localMs: number, memoryMb: number): number {
  return (billedMs(localMs, memoryMb) / 1000) * (memoryMb / 1024);
}

const count = (value: number) => Math.round(value).toLocaleString("en-US");
const bytes = (value: number) => String(Math.round(value * 10) / 10);

/** Calls of at most `perCall` entries of `bytes` each for `count` entries, each call billed per 64 KiB chunk. */
function billedCalls(count: number, perCall: number, bytes: number): number {
  const full = Math.floor(count / perCall);
  const rest = count - full * perCall;
  return full * chunks(perCall * bytes) + (rest > 0 ? chunks(rest * bytes) : 0);
}

/** The parts whose sum is what CloudWatch Logs costs. */
export const logParts = ["CloudWatch Logs ingested", "CloudWatch Logs stored for the retention"];

/**
 * The cost of a million events sent in requests of `eventsPerRequest` events: each line's quantity
 * from the stack's sizing and the bench's measurements, priced at the dated list prices.
 */
export function costPerMillionEvents(config: CostConfig, inputs: CostInputs, prices: ListPrices): PerMillionEvents {
  const batch = config.queue.batchSize;
  const invocations = events / batch;
  const requests = events / inputs.eventsPerRequest;
  const ingestMb = config.functions.ingest.memoryMb;
  const processorMb = config.functions[eventQueue.consumer].memoryMb;
  const gbSeconds = requests * billedGbSeconds(inputs.ingestLocalMs, ingestMb) + invocations * billedGbSeconds(inputs.processorLocalMs, processorMb);
  // Ingest sends a batch request's messages with SendMessageBatch, 10 entries a call.
  const sqs =
    requests * billedCalls(inputs.eventsPerRequest, entriesPerCall, inputs.queueMessageBytes) +
    invocations * billedCalls(batch, entriesPerCall, inputs.queueMessageBytes) +
    invocations * Math.ceil(batch / entriesPerCall);
  const sns = invocations * billedCalls(batch, inputs.notificationsPerCall, inputs.notificationBytes);
  const s3Payloads = events * inputs.largePayloadShare;
  const logBytesPerEvent = {
    functions: inputs.functionLogBytesPerEvent,
    platform: ((requests + invocations) * inputs.platformLogBytesPerInvocation) / events,
    accessLog: (requests * inputs.accessLogBytesPerRequest) / events,
  };
  const logGb = (events * (logBytesPerEvent.functions + logBytesPerEvent.platform + logBytesPerEvent.accessLog)) / gib;
  const months = config.logRetentionDays / 30;
  const perRequestCalls = billedCalls(inputs.eventsPerRequest, entriesPerCall, inputs.queueMessageBytes);
  const parts: CostPart[] = [
    {
      part: "API Gateway requests",
      quantity: requests,
      unit: "requests",
      dollars: (requests * prices.apiGatewayPerMillionRequests) / 1e6,
      arithmetic: `${count(requests)} requests of ${inputs.eventsPerRequest} × $${prices.apiGatewayPerMillionRequests} / million`,
    },
    {
      part: "Lambda invocations",
      quantity: requests + invocations,
      unit: "invocations",
      dollars: ((requests + invocations) * prices.lambdaPerMillionRequests) / 1e6,
      arithmetic: `(${count(requests)} ingest + ${count(invocations)} processor batches of ${batch}) × $${prices.lambdaPerMillionRequests} / million`,
    },
    {
      part: "Lambda duration",
      quantity: gbSeconds,
      unit: "GB-s",
      dollars: gbSeconds * prices.lambdaPerGbSecond,
      arithmetic:
        `(${count(requests)} × ${billedMs(inputs.ingestLocalMs, ingestMb)} ms × ${ingestMb / 1024} GB + ${count(invocations)} × ` +
        `${billedMs(inputs.processorLocalMs, processorMb)} ms × ${processorMb / 1024} GB) × $${prices.lambdaPerGbSecond} per GB-s`,
    },
    {
      part: "SQS requests (send, receive, delete)",
      quantity: sqs,
      unit: "64 KiB requests",
      dollars: (sqs * prices.sqsPerMillionRequests) / 1e6,
      arithmetic:
        `(${count(requests)} × ${perRequestCalls} sends + ${count(invocations)} × (${billedCalls(batch, entriesPerCall, inputs.queueMessageBytes)} receives + ` +
        `${Math.ceil(batch / entriesPerCall)} deletes)) × $${prices.sqsPerMillionRequests} / million`,
    },
    {
      part: "SNS publishes",
      quantity: sns,
      unit: "64 KiB requests",
      dollars: (sns * prices.snsPerMillionRequests) / 1e6,
      arithmetic: `${count(invocations)} batches × ${billedCalls(batch, inputs.notificationsPerCall, inputs.notificationBytes)} publish calls × $${prices.snsPerMillionRequests} / million`,
    },
    {
      part: "S3 requests for large payloads",
      quantity: 2 * s3Payloads,
      unit: "PUT + GET",
      dollars: (s3Payloads * prices.s3PutPerThousand) / 1000 + (s3Payloads * prices.s3GetPerThousand) / 1000,
      arithmetic: `${count(s3Payloads)} × ($${prices.s3PutPerThousand} + $${prices.s3GetPerThousand}) / 1,000`,
    },
    {
      part: logParts[0],
      quantity: logGb,
      unit: "GiB",
      dollars: logGb * prices.logsPerGbIngested,
      arithmetic:
        `1,000,000 × (${bytes(logBytesPerEvent.functions)} functions + ${bytes(logBytesPerEvent.platform)} platform + ` +
        `${bytes(logBytesPerEvent.accessLog)} access log) B = ${Math.round(logGb * 1000) / 1000} GiB × $${prices.logsPerGbIngested}`,
    },
    {
      part: logParts[1],
      quantity: logGb * months,
      unit: "GiB-months",
      dollars: logGb * months * prices.logsPerGbMonthStored,
      arithmetic: `${Math.round(logGb * 1000) / 1000} GiB × ${config.logRetentionDays}/30 months × $${prices.logsPerGbMonthStored}`,
    },
  ];
  return { stack: config.stack, eventsPerRequest: inputs.eventsPerRequest, logBytesPerEvent, parts, dollars: parts.reduce((sum, p) => sum + p.dollars, 0) };
}
