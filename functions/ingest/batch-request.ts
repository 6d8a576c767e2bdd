import { decodeEventInput, type ValidationDetail } from "../shared/event-schema";
import type { BatchEvent } from "./core";
import { eventIdForKey, idempotencyKeyRule, isIdempotencyKey } from "./idempotency-key";

/** MAX_BATCH_EVENTS when unset. */
export const defaultMaxBatchEvents = 100;

export interface InvalidItem {
  readonly index: number;
  readonly details: ValidationDetail[];
}

export interface BatchKeys {
  /** The caller's source: idempotency keys are per source. */
  readonly source: string;
  /** The request's Idempotency-Key header; item i without a key of its own uses `<header>:<i>`. */
  readonly header: string | undefined;
  readonly newEventId: () => string;
}

/** The body's events array, or why the body is not a batch of 1 to maxEvents events. */
export function batchItems(body: unknown, maxEvents: number): { ok: true; items: unknown[] } | { ok: false; message: string } {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return { ok: false, message: "body must be a JSON object with an events array" };
  const { events } = body as { events?: unknown };
  if (!Array.isArray(events)) return { ok: false, message: "events must be an array" };
  if (events.length < 1 || events.length > maxEvents) {
    return { ok: false, message: `events must hold 1 to ${maxEvents} events, got ${events.length}` };
  }
  return { ok: true, items: events };
}

/**
 * Validates each item on its own: an event's fields plus an optional `idempotency_key`. An item's
 * key (its own, or the header's with its index) gives the event_id a single POST with that
 * Idempotency-Key would get, so a client may retry an event through either route.
 */
export function decodeBatchItems(items: readonly unknown[], keys: BatchKeys): { valid: BatchEvent[]; invalid: InvalidItem[] } {
  const valid: BatchEvent[] = [];
  const invalid: InvalidItem[] = [];
  items.forEach((item, index) => {
    if (item === null || typeof item !== "object" || Array.isArray(item)) {
      invalid.push({ index, details: [{ path: "", message: "event must be a JSON object" }] });
      return;
    }
    const { idempotency_key: ownKey, ...fields } = item as Record<string, unknown>;
    const details: ValidationDetail[] = [];
    if (ownKey !== undefined && !isIdempotencyKey(ownKey)) details.push({ path: "idempotency_key", message: idempotencyKeyRule });
    const decoded = decodeEventInput(fields);
    if (!decoded.ok) details.push(...decoded.details);
    if (!decoded.ok || details.length > 0) {
      invalid.push({ index, details });
      return;
    }
    const key = typeof ownKey === "string" ? ownKey : keys.header === undefined ? undefined : `${keys.header}:${index}`;
    valid.push({ index, event: decoded.event, eventId: key === undefined ? keys.newEventId() : eventIdForKey(keys.source, key) });
  });
  return { valid, invalid };
}
