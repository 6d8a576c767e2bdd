import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { performance } from "node:perf_hooks";
import { decodeEventInput } from "../shared/event-schema";
import { callerScope } from "../shared/caller-scope";
import { errorResponse, jsonResponse } from "../shared/http";
import type { Logger } from "../shared/logger";
import { recordMetric, sourceDimension, type MetricsRecorder } from "../shared/metrics";
import type { SourceDirectory } from "../shared/sources";
import { EnqueueError, ingestEvent, type IngestPorts, type IngestSettings } from "./core";
import { idempotentEventId } from "./idempotency-key";
import { readJsonBody } from "./request-body";

export interface IngestHandlerSettings extends IngestSettings {
  readonly maxBodyBytes: number;
}

export interface IngestHandlerDeps {
  readonly ports: IngestPorts;
  readonly settings: IngestHandlerSettings;
  readonly log: Logger;
  readonly metrics: MetricsRecorder;
  /** Which source each API key id belongs to. */
  readonly sources: SourceDirectory;
}

/** POST /events: HTTP in, core call, HTTP out. Every answer carries the correlation id. */
export function createIngestHandler({ ports, settings, log, metrics, sources }: IngestHandlerDeps) {
  return async function handler(request: APIGatewayProxyEvent, context: Pick<Context, "awsRequestId">): Promise<APIGatewayProxyResult> {
    const started = performance.now();
    const caller = callerScope(request, context, log, ports.ids.newCorrelationId, sources);
    if ("refused" in caller) return caller.refused;
    const { correlationId, headers, source, log: requestLog } = caller.scope;
    // A second dimension set: every ingest metric per source as well as per function.
    metrics.addDimensions({ [sourceDimension]: source });
    const response = await respond(source);
    recordMetric(metrics, response.statusCode === 202 ? "ingest_success" : "ingest_failure", 1);
    recordMetric(metrics, "ingest_latency_ms", performance.now() - started);
    metrics.publishStoredMetrics();
    return response;

    async function respond(source: string): Promise<APIGatewayProxyResult> {
      const body = readJsonBody(request, settings.maxBodyBytes);
      if (!body.ok) {
        requestLog.info({ status: body.problem.status, error: body.problem.error }, "request rejected");
        return errorResponse(body.problem.status, body.problem.error, body.problem.message, headers);
      }
      const idempotency = idempotentEventId(request, source);
      if (!idempotency.ok) return errorResponse(400, "invalid_idempotency_key", idempotency.message, headers);
      const decoded = decodeEventInput(body.value);
      if (!decoded.ok) {
        requestLog.info({ status: 400, error: "validation_failed", details: decoded.details }, "request rejected");
        const fields = [...new Set(decoded.details.map((d) => d.path || "body"))].join(", ");
        return errorResponse(400, "validation_failed", `invalid fields: ${fields}`, headers, { details: decoded.details });
      }
      try {
        const accepted = await ingestEvent(ports, settings, source, decoded.event, correlationId, idempotency.eventId);
        if (accepted.payloadMode === "S3") recordMetric(metrics, "s3_puts", 1);
        recordMetric(metrics, "sqs_sent", 1);
        requestLog.info({ event_id: accepted.eventId, payload_mode: accepted.payloadMode, bytes: body.bytes }, "event enqueued");
        return jsonResponse(202, { event_id: accepted.eventId, status: "enqueued" }, headers);
      } catch (error) {
        if (!(error instanceof EnqueueError)) throw error;
        requestLog.error({ err: error.cause, stage: error.stage }, "event not enqueued");
        return errorResponse(503, "enqueue_failed", "the event could not be accepted; retry later", { ...headers, "Retry-After": "1" });
      }
    }
  };
}
