import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { performance } from "node:perf_hooks";
import type { Logger } from "../shared/logger";
import { recordMetric, type MetricsRecorder } from "../shared/metrics";
import { messageAttributeNames } from "../shared/queue-message";
import { processBatch, type ProcessorPorts } from "./core";

export interface ProcessorHandlerDeps {
  readonly ports: () => Promise<ProcessorPorts>;
  readonly log: Logger;
  readonly metrics: MetricsRecorder;
}

/**
 * The SQS event source mapping's target. With ReportBatchItemFailures, Lambda deletes every record
 * not named in batchItemFailures; a thrown error leaves the whole batch for redelivery.
 */
export function createProcessorHandler({ ports, log, metrics }: ProcessorHandlerDeps) {
  return async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
    const started = performance.now();
    try {
      const outcome = await processBatch(
        await ports(),
        event.Records.map((record) => ({
          messageId: record.messageId,
          body: record.body,
          receiveCount: Number(record.attributes.ApproximateReceiveCount),
        })),
      );
      // One line per stored event is a CloudWatch Logs cost at volume: it is a debug line; failures
      // are always logged, one line per message, by the core.
      if (log.isLevelEnabled("debug")) {
        const failed = new Set(outcome.failures.map((f) => f.messageId));
        for (const record of event.Records) {
          if (!failed.has(record.messageId)) log.debug({ message_id: record.messageId, ...correlationOf(record) }, "event processed");
        }
      }
      recordMetric(metrics, "processed_success", event.Records.length - outcome.failures.length);
      recordMetric(metrics, "processed_failure", outcome.failures.length);
      recordMetric(metrics, "db_latency_ms", outcome.dbLatencyMs);
      recordMetric(metrics, "publish_latency_ms", outcome.publishLatencyMs);
      if (outcome.conflicts > 0) recordMetric(metrics, "idempotency_conflicts", outcome.conflicts);
      return { batchItemFailures: outcome.failures.map((f) => ({ itemIdentifier: f.messageId })) };
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

function correlationOf(record: SQSEvent["Records"][number]): { correlation_id?: string; event_id?: string } {
  return {
    correlation_id: record.messageAttributes[messageAttributeNames.correlationId]?.stringValue,
    event_id: record.messageAttributes[messageAttributeNames.eventId]?.stringValue,
  };
}
