import { withoutMetadata } from "../shared/metadata-omitted";
import type { EventListQuery, EventRepository, EventSortKey, StoredEvent } from "../shared/ports";
import { cutPage, listedEventBytes, type ServedEvent } from "./response-size";

export interface QueryPorts {
  readonly events: Pick<EventRepository, "findById" | "list" | "findMetadata">;
}

/** The stored event with this id (a UUID, any case), if there is one of this source: another source's is as absent as an unknown id. */
export function findEvent(ports: QueryPorts, eventId: string, source: string): Promise<StoredEvent | undefined> {
  return ports.events.findById(eventId.toLowerCase(), source);
}

export interface Page {
  readonly served: ServedEvent[];
  /** Where the next page starts; undefined on the last page. */
  readonly next: EventSortKey | undefined;
}

/**
 * One page of a listing, read in two steps so the function holds about one answer's worth of
 * events whatever the limit: the candidates without their metadata but with its size, then the
 * metadata of only the events the page serves whole. `emptyPageBytes` is the answer with no events.
 */
export async function readPage(ports: QueryPorts, query: EventListQuery, emptyPageBytes: number): Promise<Page> {
  const page = await ports.events.list(query);
  const cut = cutPage(page.entries.map(listedEventBytes), emptyPageBytes);
  const entries = page.entries.slice(0, cut.served);
  const metadata = await ports.events.findMetadata(entries.slice(0, cut.withMetadata).map((entry) => entry.event.event_id));
  const served = entries.map(({ event }, i) => {
    if (i >= cut.withMetadata) return withoutMetadata(event);
    // Events are never deleted or changed, so the second statement finds every row the first did.
    if (!metadata.has(event.event_id)) throw new Error(`event ${event.event_id} was listed but its metadata was not found`);
    return { ...event, metadata: metadata.get(event.event_id) ?? null };
  });
  const more = page.more || entries.length < page.entries.length;
  return { served, next: more ? entries.at(-1)?.key : undefined };
}
