import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { callerScope } from "../shared/caller-scope";
import { errorResponse, jsonResponse } from "../shared/http";
import { recordMetric } from "../shared/metrics";
import { readPage } from "./core";
import { storeUnavailable, type QueryHandlerDeps } from "./get-event";
import { encodeCursor, maxCursorLength, parseListRequest } from "./listing";
import { proxyResultBytes, type ServedEvent } from "./response-size";

/** GET /events?user_id=…: one page of a user's events of the caller's source, newest first, and the cursor of the next. */
export function createListHandler({ ports, ids, log, metrics, sources }: QueryHandlerDeps) {
  return async function handler(request: APIGatewayProxyEvent, context: Pick<Context, "awsRequestId">): Promise<APIGatewayProxyResult> {
    const caller = callerScope(request, context, log, ids.newCorrelationId, sources);
    if ("refused" in caller) return caller.refused;
    const { headers, source, log: requestLog } = caller.scope;
    try {
      const parsed = parseListRequest(request.queryStringParameters);
      if (!parsed.ok) {
        recordMetric(metrics, "query_failure", 1);
        const fields = [...new Set(parsed.details.map((d) => d.path))].join(", ");
        return errorResponse(400, parsed.error, `invalid parameters: ${fields}`, headers, { details: parsed.details });
      }
      const listing = (served: readonly ServedEvent[], nextCursor: string | null) => jsonResponse(200, { events: served, next_cursor: nextCursor }, headers);
      // Sized with the longest cursor, so the page's real cursor can only make the answer smaller.
      const { served, next } = await readPage(ports, { ...parsed.query, source }, proxyResultBytes(listing([], "_".repeat(maxCursorLength))));
      recordMetric(metrics, "query_success", 1);
      return listing(served, next ? encodeCursor(next) : null);
    } catch (error) {
      recordMetric(metrics, "query_failure", 1);
      requestLog.error({ err: error }, "listing failed");
      return storeUnavailable(headers);
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}
