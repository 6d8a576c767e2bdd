/**
 * From a bench run to what a stack can take and what it costs: the measured figures at the
 * stack's batch size and log level, through the pure arithmetic of capacity.ts and costs.ts.
 */
import type { FluxaConfig } from "../../stack-config/config";
import { accessLogFormat } from "../../components/rest-api";
import { notificationOf } from "../../functions/adapters/sns-event-notifier";
import { sourceOfMessage } from "../../functions/shared/queue-message";
import { stackCapacity, type StackCapacity } from "./capacity";
import { costPerMillionEvents, type CostInputs, type PerMillionEvents } from "./costs";
import { queueMessage } from "./fixtures";
import { eventsPerRequestSizes, type LogVolume } from "./log-volume";
import type { DatabaseCeiling } from "./database-capacity";
import { defaultMaxBatchEvents } from "../../functions/ingest/batch-request";
import { listPrices } from "./prices";
import { sampleEvent } from "../lib/factories";
import type { BatchComparison } from "./processor";

/** What sizing needs of a bench run. */
export interface SizingMeasurements {
  readonly batches: readonly BatchComparison[];
  /** Median ingest handler time of single-event POSTs at a load the stack keeps up with. */
  readonly ingestHandlerMs: number;
  readonly logVolume: LogVolume;
}

/** What the capacity needs of a bench run; the database ceiling and the log volume's batch timings may be missing from older runs. */
export interface CapacityRun {
  readonly processor: { readonly batches?: readonly BatchComparison[] };
  readonly databaseCeiling?: readonly DatabaseCeiling[];
  readonly logVolume?: Pick<LogVolume, "ingestHandlerMsByEventsPerRequest">;
}

/** Assumption, not measured: the share of events over the large-payload threshold (their payload goes through S3). */
export const largePayloadShare = 0.01;

function batchAt(batches: readonly BatchComparison[], size: number): BatchComparison | undefined {
  return batches.find((b) => b.batchSize === size);
}

/** Undefined when the run did not measure the stack's batch size. */
export function capacityOf(config: FluxaConfig, run: CapacityRun): StackCapacity | undefined {
  const batch = batchAt(run.processor.batches ?? [], config.queue.batchSize);
  if (!batch) return undefined;
  return stackCapacity(config, {
    localEventsPerSecondPerEnvironment: batch.fluxa.eventsPerSecond,
    databaseCeiling: run.databaseCeiling?.find((c) => c.batchSize === config.queue.batchSize),
    ingestLocalMsPerFullBatch: run.logVolume?.ingestHandlerMsByEventsPerRequest?.[String(defaultMaxBatchEvents)],
  });
}

const sampleRequestId = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef";

const platformLine = (type: string, record: object) => Buffer.byteLength(`${JSON.stringify({ time: "2026-12-03T07:00:00.040Z", type, record })}\n`);
const startLine = platformLine("platform.start", { requestId: sampleRequestId, version: "$LATEST" });
const reportLine = platformLine("platform.report", {
  requestId: sampleRequestId,
  metrics: { durationMs: 38.42, billedDurationMs: 39, memorySizeMB: 512, maxMemoryUsedMB: 97 },
  status: "success",
});
const runtimeDoneLine = platformLine("platform.runtimeDone", {
  requestId: sampleRequestId,
  status: "success",
  metrics: { durationMs: 38.1, producedBytes: 120 },
  spans: [{ name: "responseLatency", start: "2026-12-03T07:00:00.039Z", durationMs: 0.2 }],
});

/**
 * Lambda's own lines per successful invocation in JSON log format, rendered with typical values, by
 * the function's system log level. AWS: at INFO (the default) Lambda sends the start and report
 * lines; WARN drops them (lines about failures remain); DEBUG adds the runtime's lines
 * (platform.runtimeDone taken as the one per invocation).
 */
export function platformLogBytesPerInvocation(systemLogLevel: FluxaConfig["lambdaLogLevels"]["system"]): number {
  if (systemLogLevel === "WARN") return 0;
  return startLine + reportLine + (systemLogLevel === "DEBUG" ? runtimeDoneLine : 0);
}

/** API Gateway's access log line for one request (the format in components/rest-api.ts, typical values). */
export function accessLogBytesPerRequest(eventsPerRequest: number): number {
  const single = eventsPerRequest === 1;
  const line = accessLogFormat
    .replace("$context.requestId", sampleRequestId)
    .replace("$context.extendedRequestId", "Xh2bXG1dDoEFT8Q=")
    .replace("$context.identity.sourceIp", "203.0.113.24")
    .replace("$context.identity.apiKeyId", "k7x2qvw9ab")
    .replace("$context.requestTime", "03/Dec/2026:07:00:00 +0000")
    .replace("$context.httpMethod", "POST")
    .replace("$context.resourcePath", single ? "/events" : "/events/batch")
    .replace("$context.status", single ? "202" : "207")
    // A 207 carries one result (index, status, event_id) per event.
    .replace("$context.responseLength", String(single ? 64 : 20 + 68 * eventsPerRequest))
    .replace("$context.responseLatency", "41")
    .replace("$context.integration.error", "-");
  return Buffer.byteLength(`${line}\n`);
}

/** An inline queue message as ingest sends it, and the notification the processor publishes for it. */
function messageSizes(): { queueMessageBytes: number; notificationBytes: number } {
  const event = sampleEvent();
  const message = queueMessage("0b7e6c1e-55d5-4c1b-9a38-2f3c8d0e1a2b", event);
  const stored = {
    event_id: message.event_id,
    source: sourceOfMessage(message),
    correlation_id: message.correlation_id,
    user_id: event.user_id,
    amount: event.amount,
    currency: event.currency,
    merchant: event.merchant,
    timestamp: event.timestamp,
    metadata: event.metadata ?? null,
    payload_mode: "INLINE" as const,
    created_at: message.received_at,
  };
  // SQS and SNS count message attributes (name, type and value) toward the size: event_id, correlation_id, source and user_id.
  const attributes = 4 * "String".length + 2 * 36 + stored.source.length + stored.user_id.length + "event_id".length + "correlation_id".length + "source".length + "user_id".length;
  return { queueMessageBytes: Buffer.byteLength(JSON.stringify(message)) + attributes, notificationBytes: notificationOf(stored).bytes + attributes };
}

export interface StackCosts {
  /** Single-event POSTs. */
  readonly fluxa: PerMillionEvents;
  readonly seedDesign: PerMillionEvents;
  /** By events per request ("1", "10", "100"): single POSTs and POST /events/batch. */
  readonly byEventsPerRequest: Record<string, PerMillionEvents>;
}

/** Fluxa's cost per million events, per request size, and the seed's per-event design doing the same work, at the stack's sizing. */
export function costsOf(config: FluxaConfig, measured: SizingMeasurements): StackCosts | undefined {
  const batch = batchAt(measured.batches, config.queue.batchSize);
  const logs = measured.logVolume.bytesPerEvent[config.logLevel] ?? measured.logVolume.bytesPerEvent.info;
  const processorLogBytes = logs.processorByBatchSize[String(config.queue.batchSize)];
  if (!batch || processorLogBytes === undefined) return undefined;
  const inputsAt = (eventsPerRequest: number): CostInputs => ({
    eventsPerRequest,
    // Single POSTs: the end-to-end run's handler time at info; batches: the log-volume run's (at debug, an upper bound).
    ingestLocalMs: eventsPerRequest === 1 ? measured.ingestHandlerMs : measured.logVolume.ingestHandlerMsByEventsPerRequest[String(eventsPerRequest)],
    processorLocalMs: batch.fluxa.perInvocation.handlerMs,
    ...messageSizes(),
    notificationsPerCall: 10,
    functionLogBytesPerEvent: logs.ingestByEventsPerRequest[String(eventsPerRequest)] + processorLogBytes,
    platformLogBytesPerInvocation: platformLogBytesPerInvocation(config.lambdaLogLevels.system),
    accessLogBytesPerRequest: accessLogBytesPerRequest(eventsPerRequest),
    largePayloadShare,
  });
  const inputs = inputsAt(1);
  // The seed's processor: three round trips and one SNS Publish per event, at the throughput measured for it.
  const seedInputs = { ...inputs, processorLocalMs: (1000 * batch.batchSize) / batch.seedDesignWithPublish.eventsPerSecond, notificationsPerCall: 1 };
  return {
    fluxa: costPerMillionEvents(config, inputs, listPrices),
    seedDesign: costPerMillionEvents(config, seedInputs, listPrices),
    byEventsPerRequest: Object.fromEntries(eventsPerRequestSizes.map((size) => [String(size), costPerMillionEvents(config, inputsAt(size), listPrices)])),
  };
}
