import { randomUUID } from "node:crypto";
import type { SQSEvent } from "aws-lambda";
import type { EventInput } from "../../functions/shared/event-schema";
import { uuidv7 } from "../../functions/shared/ids";
import { inlineQueueMessage, queueMessageAttributes, type QueueMessage } from "../../functions/shared/queue-message";
import type { Client } from "pg";
import { sampleEvent, sqsRecord } from "../lib/factories";
import { defaultSourceName } from "../../functions/shared/sources";

/** The body of every benchmark request: the README's example event, about 200 bytes of JSON. */
export const eventBody = JSON.stringify(sampleEvent());

/** An inline queue message as ingest writes it, with a fresh event id (UUIDv7, like ingest's). */
export function queueMessage(correlationId: string, event: EventInput = sampleEvent()): QueueMessage {
  return inlineQueueMessage({ source: defaultSourceName, eventId: uuidv7(Date.now()), correlationId, receivedAt: new Date() }, event);
}

/** What Lambda's event source mapping hands the processor: `size` fresh messages. */
export function sqsBatch(size: number, correlationId: string): { event: SQSEvent; messages: QueueMessage[] } {
  const messages = Array.from({ length: size }, () => queueMessage(correlationId));
  const records = messages.map((message) => {
    const record = sqsRecord(randomUUID(), JSON.stringify(message));
    record.messageAttributes = Object.fromEntries(
      Object.entries(queueMessageAttributes(message)).map(([name, value]) => [name, { dataType: value.DataType, stringValue: value.StringValue }]),
    );
    return record;
  });
  return { event: { Records: records }, messages };
}

/**
 * Empties the tables a bench step fills. The processor marks its last batch after answering, so a
 * mark may still be running; it locks only the outbox, which the TRUNCATE then waits for.
 */
export async function emptyEventTables(db: Client): Promise<void> {
  await db.query("TRUNCATE events, event_keys, outbox, idempotency_keys");
}
