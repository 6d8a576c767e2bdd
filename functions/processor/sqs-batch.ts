import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { performance } from "node:perf_hooks";
import type { Logger } from "../shared/logger";
import { recordMetric, recordPerSource, type MetricsRecorder } from "../shared/metrics";
import { defaultSourceName } from "../shared/sources";
import type { RetryQueue } from "../shared/ports";
import { messageAttributeNames } from "../shared/queue-message";
import { processBatch, type ProcessorPorts, type QueueBatchOutcome } from "./core";
import { settleFailures, type QueuedMessage } from "./settle";

export interface ProcessorHandlerDeps {
  readonly ports: ProcessorPorts;
  readonly retries: RetryQueue;
  /** The events queue's visibility timeout: the unit of the backoff when a dependency is down. */
  readonly visibilityTimeoutSeconds: number;
  readonly log: Logger;
  readonly metrics: MetricsRecorder;
  readonly now?: () => number;
}

/**
 * The SQS event source mapping's target. With ReportBatchItemFailures, Lambda deletes every record
 * not named in batchItemFailures and leaves the visibility of the named ones as the function set
 * it; a thrown error leaves the whole batch for redelivery.
 */
export function createProcessorHandler({ ports, retries, visibilityTimeoutSeconds, log, metrics, now = Date.now }: ProcessorHandlerDeps) {
  return async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
    const started = performance.now();
    try {
      const messages = event.Records.map(queuedMessage);
      const outcome = await processBatch(ports, messages);
      const settled = await settleFailures(retries, log, messages, outcome.failures, visibilityTimeoutSeconds, now());
      logProcessed(log, event, outcome);
      recordMetric(metrics, "processed_success", event.Records.length - outcome.failures.length);
      recordMetric(metrics, "processed_failure", outcome.failures.length);
      recordBySource(metrics, event.Records, new Set(outcome.failures.map((f) => f.messageId)));
      if (settled.deferred > 0) {
        recordMetric(metrics, "deferred_batches", 1);
        recordMetric(metrics, "deferred_messages", settled.deferred);
        recordMetric(metrics, "oldest_deferred_age_seconds", settled.oldestDeferredAgeSeconds ?? 0);
      }
      if (settled.retried > 0) recordMetric(metrics, "poison_retried", settled.retried);
      if (settled.deadLettered > 0) recordMetric(metrics, "dead_lettered", settled.deadLettered);
      recordMetric(metrics, "db_latency_ms", outcome.dbLatencyMs);
      recordMetric(metrics, "publish_latency_ms", outcome.publishLatencyMs);
      if (outcome.conflicts > 0) recordMetric(metrics, "idempotency_conflicts", outcome.conflicts);
      if (outcome.erased > 0) recordMetric(metrics, "erased_skipped", outcome.erased);
      return { batchItemFailures: settled.unacknowledged.map((itemIdentifier) => ({ itemIdentifier })) };
    } catch (error) {
      recordMetric(metrics, "processed_failure", event.Records.length);
      log.error({ err: error, message_ids: event.Records.map((r) => r.messageId) }, "batch failed; every message will be redelivered");
      throw error;
    } finally {
      recordMetric(metrics, "process_latency_ms", performance.now() - started);
      metrics.publishStoredMetrics();
    }
  };
}

/** processed_success and processed_failure per source, from the messages' source attribute. */
function recordBySource(metrics: MetricsRecorder, records: readonly SQSRecord[], failed: ReadonlySet<string>): void {
  const counts = { processed_success: new Map<string, number>(), processed_failure: new Map<string, number>() };
  for (const record of records) {
    const source = record.messageAttributes[messageAttributeNames.source]?.stringValue ?? defaultSourceName;
    const bucket = failed.has(record.messageId) ? counts.processed_failure : counts.processed_success;
    bucket.set(source, (bucket.get(source) ?? 0) + 1);
  }
  recordPerSource(metrics, "processed_success", counts.processed_success);
  recordPerSource(metrics, "processed_failure", counts.processed_failure);
}

function queuedMessage(record: SQSRecord): QueuedMessage {
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(record.messageAttributes)) {
    if (value.stringValue !== undefined) attributes[name] = value.stringValue;
  }
  return {
    messageId: record.messageId,
    receiptHandle: record.receiptHandle,
    body: record.body,
    attributes,
    receiveCount: Number(record.attributes.ApproximateReceiveCount),
    sentAtMs: Number(record.attributes.SentTimestamp),
  };
}

// One line per stored event is a CloudWatch Logs cost at volume: at info one line per batch names
// its stored events (how to follow one event, RUNBOOK); the per-event lines are at debug. Failures
// are always logged, one line per message, when they are settled.
function logProcessed(log: Logger, event: SQSEvent, outcome: QueueBatchOutcome): void {
  const failed = new Set(outcome.failures.map((f) => f.messageId));
  const stored = event.Records.filter((record) => !failed.has(record.messageId));
  const eventIdOf = (record: SQSRecord) => record.messageAttributes[messageAttributeNames.eventId]?.stringValue;
  log.info({ event_ids: stored.map(eventIdOf), failed: failed.size }, "batch stored");
  if (!log.isLevelEnabled("debug")) return;
  for (const record of stored) {
    const correlation = {
      source: record.messageAttributes[messageAttributeNames.source]?.stringValue,
      correlation_id: record.messageAttributes[messageAttributeNames.correlationId]?.stringValue,
      event_id: eventIdOf(record),
    };
    log.debug({ message_id: record.messageId, ...correlation }, "event processed");
  }
}
