import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { performance } from "node:perf_hooks";
import type { Logger } from "../shared/logger";
import { MetricUnit, type MetricsRecorder } from "../shared/metrics";
import type { RetryQueue } from "../shared/ports";
import { processBatch, type BatchOutcome, type ProcessorPorts } from "./core";
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
      metrics.addMetric("processed_success", MetricUnit.Count, event.Records.length - outcome.failures.length);
      metrics.addMetric("processed_failure", MetricUnit.Count, outcome.failures.length);
      if (settled.deferred > 0) {
        metrics.addMetric("deferred_batches", MetricUnit.Count, 1);
        metrics.addMetric("deferred_messages", MetricUnit.Count, settled.deferred);
        metrics.addMetric("oldest_deferred_age_seconds", MetricUnit.Seconds, settled.oldestDeferredAgeSeconds ?? 0);
      }
      if (settled.retried > 0) metrics.addMetric("poison_retried", MetricUnit.Count, settled.retried);
      if (settled.deadLettered > 0) metrics.addMetric("dead_lettered", MetricUnit.Count, settled.deadLettered);
      metrics.addMetric("db_latency_ms", MetricUnit.Milliseconds, outcome.dbLatencyMs);
      metrics.addMetric("publish_latency_ms", MetricUnit.Milliseconds, outcome.publishLatencyMs);
      if (outcome.conflicts > 0) metrics.addMetric("idempotency_conflicts", MetricUnit.Count, outcome.conflicts);
      return { batchItemFailures: settled.unacknowledged.map((itemIdentifier) => ({ itemIdentifier })) };
    } catch (error) {
      metrics.addMetric("processed_failure", MetricUnit.Count, event.Records.length);
      log.error({ err: error, message_ids: event.Records.map((r) => r.messageId) }, "batch failed; every message will be redelivered");
      throw error;
    } finally {
      metrics.addMetric("process_latency_ms", MetricUnit.Milliseconds, performance.now() - started);
      metrics.publishStoredMetrics();
    }
  };
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

// One line per stored event is a CloudWatch Logs cost at volume: it is a debug line; failures
// are always logged, one line per message, when they are settled.
function logProcessed(log: Logger, event: SQSEvent, outcome: BatchOutcome): void {
  if (!log.isLevelEnabled("debug")) return;
  const failed = new Set(outcome.failures.map((f) => f.messageId));
  for (const record of event.Records) {
    if (failed.has(record.messageId)) continue;
    const correlation = { correlation_id: record.messageAttributes.correlation_id?.stringValue, event_id: record.messageAttributes.event_id?.stringValue };
    log.debug({ message_id: record.messageId, ...correlation }, "event processed");
  }
}
