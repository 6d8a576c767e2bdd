import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { performance } from "node:perf_hooks";
import { callerScope } from "../shared/caller-scope";
import { errorResponse, jsonResponse } from "../shared/http";
import { recordMetric, sourceDimension } from "../shared/metrics";
import { ingestBatch, type BatchItemOutcome } from "./core";
import { batchItems, decodeBatchItems, type InvalidItem } from "./batch-request";
import type { IngestHandlerDeps, IngestHandlerSettings } from "./post-event";
import { idempotencyKeyHeader } from "./idempotency-key";
import { readJsonBody } from "./request-body";

export interface BatchHandlerSettings extends IngestHandlerSettings {
  readonly maxBatchEvents: number;
}

export interface BatchHandlerDeps extends IngestHandlerDeps {
  readonly settings: BatchHandlerSettings;
}

/** `status` tells the three apart (the OpenAPI document's discriminator); a failed one also has the error shape's `error` and `message`. */
type ItemResult =
  | { index: number; status: "enqueued"; event_id: string }
  | { index: number; status: "validation_failed"; error: "validation_failed"; message: string; details: InvalidItem["details"] }
  | { index: number; status: "enqueue_failed"; error: "enqueue_failed"; message: string };

const invalidItemMessage = "The event is not valid; details names each problem.";
const unsentItemMessage = "The queue or S3 did not take the event; nothing was accepted for it: resend it.";

/**
 * POST /events/batch: a well-formed batch is always answered 207 with one result per event, in
 * request order; only a body that is not a batch at all is refused as a whole.
 */
export function createBatchIngestHandler({ ports, settings, log, metrics, sources }: BatchHandlerDeps) {
  return async function handler(request: APIGatewayProxyEvent, context: Pick<Context, "awsRequestId">): Promise<APIGatewayProxyResult> {
    const started = performance.now();
    const caller = callerScope(request, context, log, ports.ids.newCorrelationId, sources);
    if ("refused" in caller) return caller.refused;
    const { correlationId, headers, source, log: requestLog } = caller.scope;
    metrics.addDimensions({ [sourceDimension]: source });
    const response = await respond(source);
    recordMetric(metrics, "ingest_latency_ms", performance.now() - started);
    metrics.publishStoredMetrics();
    return response;

    async function respond(source: string): Promise<APIGatewayProxyResult> {
      const rejected = (status: number, error: string, message: string) => {
        requestLog.info({ status, error }, "batch rejected");
        recordMetric(metrics, "ingest_failure", 1);
        return errorResponse(status, error, message, headers);
      };
      const body = readJsonBody(request, settings.maxBodyBytes);
      if (!body.ok) return rejected(body.problem.status, body.problem.error, body.problem.message);
      const header = idempotencyKeyHeader(request);
      if (!header.ok) return rejected(400, "invalid_idempotency_key", header.message);
      const batch = batchItems(body.value, settings.maxBatchEvents);
      if (!batch.ok) return rejected(400, "invalid_batch", batch.message);

      const { valid, invalid } = decodeBatchItems(batch.items, { source, header: header.key, newEventId: ports.ids.newEventId });
      const outcomes = await ingestBatch(ports, settings, source, valid, correlationId);
      const results = [...invalid.map(invalidResult), ...outcomes.map(outcomeResult)].sort((a, b) => a.index - b.index);
      record(outcomes, invalid);
      const anyUnsent = outcomes.some((o) => !o.enqueued);
      return jsonResponse(207, { results }, anyUnsent ? { ...headers, "Retry-After": "1" } : headers);
    }

    function record(outcomes: readonly BatchItemOutcome[], invalid: readonly InvalidItem[]): void {
      const eventIds: string[] = [];
      for (const outcome of outcomes) {
        if (outcome.enqueued) {
          eventIds.push(outcome.accepted.eventId);
          if (outcome.accepted.payloadMode === "S3") recordMetric(metrics, "s3_puts", 1);
        } else {
          requestLog.error({ index: outcome.index, stage: outcome.stage, reason: outcome.reason }, "event not enqueued");
        }
      }
      const enqueued = eventIds.length;
      recordMetric(metrics, "sqs_sent", enqueued);
      recordMetric(metrics, "ingest_success", enqueued);
      recordMetric(metrics, "ingest_failure", outcomes.length - enqueued + invalid.length);
      requestLog.info(
        { events: outcomes.length + invalid.length, enqueued, invalid: invalid.length, unsent: outcomes.length - enqueued, event_ids: eventIds },
        "batch handled",
      );
    }
  };
}

function invalidResult({ index, details }: InvalidItem): ItemResult {
  return { index, status: "validation_failed", error: "validation_failed", message: invalidItemMessage, details };
}

function outcomeResult(outcome: BatchItemOutcome): ItemResult {
  if (outcome.enqueued) return { index: outcome.index, status: "enqueued", event_id: outcome.accepted.eventId };
  return { index: outcome.index, status: "enqueue_failed", error: "enqueue_failed", message: unsentItemMessage };
}
