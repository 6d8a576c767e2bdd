import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import { errorResponse, forbiddenResponse, jsonResponse, requestScope } from "../shared/http";
import { withoutMetadata } from "../shared/metadata-omitted";
import { recordMetric } from "../shared/metrics";
import { sourceOfRequest } from "../shared/sources";
import type { EventListQuery, EventSortKey, EventRepository } from "../shared/ports";
import { storeUnavailable, type QueryHandlerDeps } from "./get-event";
import { encodeCursor, maxCursorLength, parseListRequest } from "./listing";
import { cutPage, listedEventBytes, proxyResultBytes, type ServedEvent } from "./response-size";

/**
 * One page of a listing, read in two steps so the function holds about one answer's worth of
 * events whatever the limit: the candidates without their metadata but with its size, then the
 * metadata of only the events the page serves whole.
 */
async function readPage(store: EventRepository, query: EventListQuery, emptyPageBytes: number): Promise<{ served: ServedEvent[]; next: EventSortKey | undefined }> {
  const page = await store.list(query);
  const cut = cutPage(page.entries.map(listedEventBytes), emptyPageBytes);
  const entries = page.entries.slice(0, cut.served);
  const metadata = await store.findMetadata(entries.slice(0, cut.withMetadata).map((entry) => entry.event.event_id));
  const served = entries.map(({ event }, i) => {
    if (i >= cut.withMetadata) return withoutMetadata(event);
    // Events are never deleted or changed, so the second statement finds every row the first did.
    if (!metadata.has(event.event_id)) throw new Error(`event ${event.event_id} was listed but its metadata was not found`);
    return { ...event, metadata: metadata.get(event.event_id) ?? null };
  });
  const more = page.more || entries.length < page.entries.length;
  return { served, next: more ? entries.at(-1)?.key : undefined };
}

/** GET /events?user_id=…: one page of a user's events of the caller's source, newest first, and the cursor of the next. */
export function createListHandler({ events, ids, log, metrics, sources }: QueryHandlerDeps) {
  return async function handler(request: APIGatewayProxyEvent, context: Pick<Context, "awsRequestId">): Promise<APIGatewayProxyResult> {
    const scope = requestScope(request, context, log, ids.newCorrelationId);
    const { headers } = scope;
    const source = sourceOfRequest(request, sources);
    if (source === undefined) return forbiddenResponse(headers);
    const requestLog = scope.log.child({ source });
    try {
      const parsed = parseListRequest(request.queryStringParameters);
      if (!parsed.ok) {
        recordMetric(metrics, "query_failure", 1);
        const fields = [...new Set(parsed.details.map((d) => d.path))].join(", ");
        return errorResponse(400, parsed.error, `invalid parameters: ${fields}`, headers, { details: parsed.details });
      }
      const listing = (served: readonly ServedEvent[], nextCursor: string | null) => jsonResponse(200, { events: served, next_cursor: nextCursor }, headers);
      // Sized with the longest cursor, so the page's real cursor can only make the answer smaller.
      const { served, next } = await readPage(await events(), { ...parsed.query, source }, proxyResultBytes(listing([], "_".repeat(maxCursorLength))));
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
