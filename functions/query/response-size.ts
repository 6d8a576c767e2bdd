import type { APIGatewayProxyResult } from "aws-lambda";
import { bodyBytesOf } from "../shared/body-bytes";
import { withoutMetadata, type EventWithoutMetadata } from "../shared/metadata-omitted";
import type { ListedEvent, StoredEvent } from "../shared/ports";
import { maxSynchronousPayloadBytes } from "../topology";

/** The most a query answer takes: Lambda's response limit, less a margin for what AWS counts beside the result. */
export const responseBudgetBytes = maxSynchronousPayloadBytes - 256 * 1024;

/** The bytes Lambda counts for a proxy result: its JSON, in which the body's JSON is escaped once more. */
export function proxyResultBytes(result: APIGatewayProxyResult): number {
  return Buffer.byteLength(JSON.stringify(result));
}

export type ServedEvent = StoredEvent | EventWithoutMetadata;

/** GET /events/{id}: the event, or the event without its metadata when the whole would pass the budget. */
export function singleEventResponse(
  event: StoredEvent,
  respond: (body: ServedEvent) => APIGatewayProxyResult,
  budget = responseBudgetBytes,
): APIGatewayProxyResult {
  const whole = respond(event);
  return proxyResultBytes(whole) <= budget ? whole : respond(withoutMetadata(event));
}

/** What a listed event adds to an answer once its metadata is in: its JSON, with the metadata's bytes where `null` stands. */
export function listedEventBytes({ event, metadataBytes }: ListedEvent): number {
  return bodyBytesOf(event) - bodyBytesOf(null) + metadataBytes;
}

/** Where a listing page ends: it serves `served` leading events, the first `withMetadata` of them whole. */
export interface PageCut {
  readonly served: number;
  readonly withMetadata: number;
}

/**
 * Where a listing page ends, from the bytes each event adds (`listedEventBytes`): `emptyPageBytes`
 * is the answer with no events, and each event adds its bytes and a comma. The page ends before the
 * event that would pass the budget, and holds at least one: a first event that passes it alone goes
 * without its metadata.
 */
export function cutPage(eventBytes: readonly number[], emptyPageBytes: number, budget = responseBudgetBytes): PageCut {
  let bytes = emptyPageBytes;
  let whole = 0;
  for (const eventAdds of eventBytes) {
    const added = eventAdds + (whole === 0 ? 0 : ",".length);
    if (bytes + added > budget) break;
    bytes += added;
    whole += 1;
  }
  return { served: whole === 0 ? Math.min(1, eventBytes.length) : whole, withMetadata: whole };
}
