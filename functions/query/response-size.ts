import type { APIGatewayProxyResult } from "aws-lambda";
import { bodyBytesOf } from "../shared/body-bytes";
import { withoutMetadata, type EventWithoutMetadata } from "../shared/metadata-omitted";
import type { StoredEvent } from "../shared/ports";
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

/**
 * The leading events of a listing that fit in one answer: `emptyPageBytes` is the answer with no
 * events, and each event adds its escaped JSON and a comma. The page ends before the event that
 * would pass the budget, and holds at least one: a first event that passes it alone goes without
 * its metadata.
 */
export function fitPage(events: readonly StoredEvent[], emptyPageBytes: number, budget = responseBudgetBytes): ServedEvent[] {
  const page: ServedEvent[] = [];
  let bytes = emptyPageBytes;
  for (const event of events) {
    const added = bodyBytesOf(event) + (page.length === 0 ? 0 : ",".length);
    if (bytes + added <= budget) {
      page.push(event);
      bytes += added;
    } else {
      if (page.length === 0) page.push(withoutMetadata(event));
      break;
    }
  }
  return page;
}
