import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { callerScope } from "../shared/caller-scope";
import { errorResponse, jsonResponse } from "../shared/http";
import { uuidPattern } from "../shared/id-formats";
import type { Logger } from "../shared/logger";
import { recordMetric, type MetricsRecorder } from "../shared/metrics";
import type { IdSource } from "../shared/ports";
import type { SourceDirectory } from "../shared/sources";
import { findEvent, type QueryPorts } from "./core";
import { singleEventResponse } from "./response-size";

export interface QueryHandlerDeps {
  readonly ports: QueryPorts;
  readonly ids: IdSource;
  readonly log: Logger;
  readonly metrics: MetricsRecorder;
  /** Which source each API key id belongs to: a caller reads only its own source's events. */
  readonly sources: SourceDirectory;
}

/** The answer of either query route when the event store cannot be reached. */
export function storeUnavailable(headers: Readonly<Record<string, string>>): APIGatewayProxyResult {
  return errorResponse(503, "query_failed", "the event store is unavailable; retry later", { ...headers, "Retry-After": "1" });
}

/** GET /events/{id}. */
export function createQueryHandler({ ports, ids, log, metrics, sources }: QueryHandlerDeps) {
  return async function handler(request: APIGatewayProxyEvent, context: Pick<Context, "awsRequestId">): Promise<APIGatewayProxyResult> {
    const eventId = request.pathParameters?.id ?? "";
    const caller = callerScope(request, context, log, ids.newCorrelationId, sources);
    if ("refused" in caller) return caller.refused;
    const { headers, source } = caller.scope;
    const requestLog = caller.scope.log.child({ event_id: eventId });
    try {
      if (!uuidPattern.test(eventId)) {
        recordMetric(metrics, "query_failure", 1);
        return errorResponse(400, "invalid_event_id", "event id must be a UUID", headers);
      }
      // Another source's event is answered exactly as an unknown id: its existence is not disclosed.
      const found = await findEvent(ports, eventId, source);
      if (!found) {
        recordMetric(metrics, "query_not_found", 1);
        return jsonResponse(404, { error: "not_found", message: `no event ${eventId}` }, headers);
      }
      recordMetric(metrics, "query_success", 1);
      return singleEventResponse(found, (body) => jsonResponse(200, body, headers));
    } catch (error) {
      recordMetric(metrics, "query_failure", 1);
      requestLog.error({ err: error }, "query failed");
      return storeUnavailable(headers);
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}
