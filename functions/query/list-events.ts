import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { errorResponse, jsonResponse, requestScope } from "../shared/http";
import { recordMetric } from "../shared/metrics";
import { storeUnavailable, type QueryHandlerDeps } from "./get-event";
import { encodeCursor, maxCursorLength, parseListRequest } from "./listing";
import { fitPage, proxyResultBytes, type ServedEvent } from "./response-size";

/** GET /events?user_id=…: one page of a user's events, newest first, and the cursor of the next. */
export function createListHandler({ events, ids, log, metrics }: QueryHandlerDeps) {
  return async function handler(request: APIGatewayProxyEvent, context: Pick<Context, "awsRequestId">): Promise<APIGatewayProxyResult> {
    const { headers, log: requestLog } = requestScope(request, context, log, ids.newCorrelationId);
    try {
      const parsed = parseListRequest(request.queryStringParameters);
      if (!parsed.ok) {
        recordMetric(metrics, "query_failure", 1);
        const fields = [...new Set(parsed.details.map((d) => d.path))].join(", ");
        return errorResponse(400, parsed.error, `invalid parameters: ${fields}`, headers, { details: parsed.details });
      }
      const page = await (await events()).list(parsed.query);
      const listing = (served: readonly ServedEvent[], nextCursor: string | null) => jsonResponse(200, { events: served, next_cursor: nextCursor }, headers);
      // Sized with the longest cursor, so the page's real cursor can only make the answer smaller.
      const served = fitPage(
        page.entries.map((entry) => entry.event),
        proxyResultBytes(listing([], "_".repeat(maxCursorLength))),
      );
      const last = page.entries[served.length - 1];
      const more = page.more || served.length < page.entries.length;
      recordMetric(metrics, "query_success", 1);
      return listing(served, more && last ? encodeCursor(last.key) : null);
    } catch (error) {
      recordMetric(metrics, "query_failure", 1);
      requestLog.error({ err: error }, "listing failed");
      return storeUnavailable(headers);
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}
