import { performance } from "node:perf_hooks";
import { sha256Hex } from "../shared/hash";
import type { EventNotifier, EventRepository, Log, NewEvent, PayloadStore, PersistResult } from "../shared/ports";
import { parseQueueMessage, sourceOfMessage, type QueueMessage } from "../shared/queue-message";
import { decodeEventInput } from "../shared/event-schema";

export interface ProcessorPorts {
  readonly payloads: PayloadStore;
  readonly events: EventRepository;
  readonly notifier: EventNotifier;
  readonly log: Log;
}

export interface IncomingMessage {
  readonly messageId: string;
  readonly body: string;
}

/**
 * permanent: the message itself is bad (it will fail the same way on every receive; the processor
 * dead-letters it at its third); retryable: a dependency (PostgreSQL, S3, SNS) failed and a later
 * receive may succeed: the message is deferred, never dead-lettered for it (see settle.ts).
 */
export interface MessageFailure {
  readonly messageId: string;
  readonly eventId?: string;
  readonly correlationId?: string;
  readonly kind: "permanent" | "retryable";
  readonly reason: string;
}

export interface QueueBatchOutcome {
  readonly failures: MessageFailure[];
  readonly conflicts: number;
  /** Messages acknowledged without storing their event: an erasure of their user covers them. */
  readonly erased: number;
  /** The one statement that stores the batch. */
  readonly dbLatencyMs: number;
  /** After commit: SNS PublishBatch calls and the outbox mark. */
  readonly publishLatencyMs: number;
}

type Resolved = { ok: true; messageId: string; event: NewEvent } | { ok: false; failure: MessageFailure };

/**
 * Processes one SQS batch: resolve every payload, store all events in one statement, publish the
 * ones not yet published, and report exactly the messages that must be received again.
 * A failure of the event store fails every message that reached it, as retryable: no message is
 * acknowledged before its event is durable.
 */
export async function processBatch(ports: ProcessorPorts, messages: readonly IncomingMessage[]): Promise<QueueBatchOutcome> {
  const resolved = await Promise.all(messages.map((message) => resolveMessage(ports.payloads, message)));
  const failures: MessageFailure[] = [];
  const accepted: { messageId: string; event: NewEvent }[] = [];
  for (const result of resolved) {
    if (result.ok) accepted.push(result);
    else failures.push(result.failure);
  }

  const dbStarted = performance.now();
  let stored: PersistResult;
  try {
    stored = await ports.events.persist(accepted.map((a) => a.event));
  } catch (error) {
    const reason = `event store failed: ${String(error)}`;
    for (const { messageId, event } of accepted) failures.push({ messageId, eventId: event.eventId, correlationId: event.correlationId, kind: "retryable", reason });
    return { failures, conflicts: 0, erased: 0, dbLatencyMs: performance.now() - dbStarted, publishLatencyMs: 0 };
  }
  const { unpublished, conflicting, erased } = stored;
  const dbLatencyMs = performance.now() - dbStarted;

  const publishStarted = performance.now();
  const publishFailures = await ports.notifier.publish(unpublished);
  const failedToPublish = new Map(publishFailures.map((f) => [f.eventId, f.reason]));
  const published = unpublished.filter((e) => !failedToPublish.has(e.event_id)).map((e) => e.event_id);
  await markPublished(ports, published);
  const publishLatencyMs = performance.now() - publishStarted;

  for (const { messageId, event } of accepted) {
    const reason = failedToPublish.get(event.eventId);
    if (reason !== undefined) {
      const failure = { messageId, eventId: event.eventId, correlationId: event.correlationId, reason: `SNS publish failed: ${reason}` };
      failures.push({ ...failure, kind: "retryable" });
    }
  }
  logConflicts(ports.log, accepted, conflicting);
  logErased(ports.log, accepted, erased);
  return { failures, conflicts: conflicting.length, erased: erased.length, dbLatencyMs, publishLatencyMs };
}

/** A retry cannot help here: the first payload stays, and an operator learns which key was reused. */
function logConflicts(log: Log, accepted: readonly { messageId: string; event: NewEvent }[], conflicting: readonly string[]): void {
  for (const { messageId, event } of accepted) {
    if (!conflicting.includes(event.eventId)) continue;
    const fields = { message_id: messageId, event_id: event.eventId, correlation_id: event.correlationId };
    log.error({ ...fields, error: "idempotency_key_reused" }, "event_id already stored with another payload; the first payload was kept");
  }
}

/** Acknowledged, never stored: the user's erasure ran after the message was sent (it was queued, deferred or in the DLQ). */
function logErased(log: Log, accepted: readonly { messageId: string; event: NewEvent }[], erased: readonly string[]): void {
  for (const { messageId, event } of accepted) {
    if (erased.includes(event.eventId)) log.info({ message_id: messageId, event_id: event.eventId, correlation_id: event.correlationId }, "event not stored: an erasure of its user covers it");
  }
}

/** SNS already has these events; if marking fails, a later redelivery publishes a duplicate, never a loss. */
async function markPublished(ports: ProcessorPorts, eventIds: string[]): Promise<void> {
  try {
    await ports.events.markPublished(eventIds);
  } catch (error) {
    warnNotMarked(ports.log, eventIds, error);
  }
}

/** What an operator sees of a failed outbox mark, wherever the mark ran. */
export function warnNotMarked(log: Log, eventIds: readonly string[], error: unknown): void {
  log.warn({ event_ids: eventIds, err: error }, "published events not marked; they may be published again");
}

async function resolveMessage(payloads: PayloadStore, incoming: IncomingMessage): Promise<Resolved> {
  const failed = (kind: MessageFailure["kind"], reason: string, message?: QueueMessage): Resolved => ({
    ok: false,
    failure: { messageId: incoming.messageId, eventId: message?.event_id, correlationId: message?.correlation_id, kind, reason },
  });
  const parsed = parseQueueMessage(incoming.body);
  if (!parsed.ok) return failed("permanent", `malformed message: ${parsed.reason}`);
  const message = parsed.message;

  let payloadText: string;
  if ("payload" in message) {
    payloadText = JSON.stringify(message.payload);
  } else {
    const { bucket, key } = message.payload_ref;
    try {
      const fetched = await payloads.get(bucket, key);
      if (fetched === undefined) return failed("permanent", `payload object s3://${bucket}/${key} does not exist`, message);
      payloadText = fetched;
    } catch (error) {
      return failed("retryable", `S3 read failed: ${String(error)}`, message);
    }
  }
  if (sha256Hex(payloadText) !== message.payload_sha256) return failed("permanent", "payload SHA-256 does not match the message", message);
  const event = toNewEvent(message, "payload" in message ? message.payload : parseJson(payloadText));
  return event ? { ok: true, messageId: incoming.messageId, event } : failed("permanent", "payload is not a valid event", message);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function toNewEvent(message: QueueMessage, payload: unknown): NewEvent | undefined {
  const decoded = decodeEventInput(payload);
  if (!decoded.ok) return undefined;
  const s3 = "payload_ref" in message;
  return {
    source: sourceOfMessage(message),
    eventId: message.event_id,
    correlationId: message.correlation_id,
    event: decoded.event,
    payloadMode: s3 ? "S3" : "INLINE",
    payloadSha256: message.payload_sha256,
    payloadKey: s3 ? message.payload_ref.key : null,
    receivedAt: message.received_at,
  };
}
