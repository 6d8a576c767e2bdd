import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { errorResponse, jsonResponse, requestScope } from "../shared/http";
import { recordMetric } from "../shared/metrics";
import { storeUnavailable, type QueryHandlerDeps } from "./get-event";
import { encodeCursor, parseListRequest } from "./listing";

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
      recordMetric(metrics, "query_success", 1);
      return jsonResponse(200, { events: page.events, next_cursor: page.next && encodeCursor(page.next) }, headers);
    } catch (error) {
      recordMetric(metrics, "query_failure", 1);
      requestLog.error({ err: error }, "listing failed");
      return storeUnavailable(headers);
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}
