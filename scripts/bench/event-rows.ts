/** The events table's row for an inline message, as raw SQL: the bench's baselines and the processor floor's bundle share it. */
import type { EventInput } from "../../functions/shared/event-schema";
import type { QueueMessage } from "../../functions/shared/queue-message";

/** The columns a stored event fills, in the order of `eventRowValues`. */
export const eventColumns = [
  "event_id",
  "correlation_id",
  "user_id",
  "amount",
  "currency",
  "merchant",
  "event_timestamp",
  "metadata",
  "payload_mode",
  "payload_sha256",
  "payload_key",
  "received_at",
] as const;

/** The row the processor stores for an inline message. */
export function eventRowValues(message: QueueMessage): unknown[] {
  const event = (message as QueueMessage & { payload: EventInput }).payload;
  return [
    message.event_id,
    message.correlation_id,
    event.user_id,
    String(event.amount),
    event.currency,
    event.merchant,
    event.timestamp,
    event.metadata === undefined ? null : JSON.stringify(event.metadata),
    "INLINE",
    message.payload_sha256,
    null,
    message.received_at,
  ];
}

const insertEvent = `INSERT INTO events (${eventColumns.join(", ")}) VALUES`;

function placeholders(row: number): string {
  return `(${eventColumns.map((_, column) => `$${row * eventColumns.length + column + 1}`).join(", ")})`;
}

/** One INSERT of `rows` events; its values are the rows' `eventRowValues`, flattened. */
export function multiRowInsert(rows: number): string {
  return `${insertEvent} ${Array.from({ length: rows }, (_, row) => placeholders(row)).join(", ")}`;
}
