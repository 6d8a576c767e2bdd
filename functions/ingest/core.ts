import type { EventInput } from "../shared/event-schema";
import { sha256Hex } from "../shared/hash";
import type { BatchSendFailure, Clock, EventQueue, IdSource, PayloadMode, PayloadStore } from "../shared/ports";
import { inlineQueueMessage, s3QueueMessage, type QueueMessage } from "../shared/queue-message";
import { payloadObjectKey } from "../topology";

export interface IngestPorts {
  readonly queue: EventQueue;
  readonly payloads: PayloadStore;
  readonly clock: Clock;
  readonly ids: IdSource;
}

export interface IngestSettings {
  /** A message whose body would exceed this many bytes carries an S3 pointer instead of the payload. */
  readonly largePayloadThresholdBytes: number;
}

export interface Accepted {
  readonly eventId: string;
  readonly payloadMode: PayloadMode;
  readonly payloadSha256: string;
}

/** Raised when a write that must succeed before we answer 202 did not. */
export class EnqueueError extends Error {
  constructor(
    readonly stage: "s3" | "sqs",
    readonly cause: unknown,
  ) {
    super(`${stage === "s3" ? "storing the payload in S3" : "sending the message to SQS"} failed: ${String(cause)}`);
    this.name = "EnqueueError";
  }
}

/**
 * Accepts one validated event: a 202 is only owed once the message is on the queue (and, for a
 * large payload, once the object is in S3, written first so the pointer never dangles).
 */
export async function ingestEvent(
  ports: IngestPorts,
  settings: IngestSettings,
  source: string,
  event: EventInput,
  correlationId: string,
  eventId: string = ports.ids.newEventId(),
): Promise<Accepted> {
  const prepared = await prepareMessage(ports, settings, source, event, correlationId, eventId);
  await attempt("sqs", () => ports.queue.send(prepared.message));
  return prepared.accepted;
}

export interface PreparedMessage {
  readonly message: QueueMessage;
  readonly accepted: Accepted;
}

/** The queue message for one event; a large payload is stored in S3 first and the message points to it. */
export async function prepareMessage(
  ports: IngestPorts,
  settings: IngestSettings,
  source: string,
  event: EventInput,
  correlationId: string,
  eventId: string,
): Promise<PreparedMessage> {
  const receivedAt = ports.clock.now();
  const payload = JSON.stringify(event);
  const payloadSha256 = sha256Hex(payload);
  const header = { source, eventId, correlationId, receivedAt };
  const inline = inlineQueueMessage(header, event, payloadSha256);
  if (Buffer.byteLength(JSON.stringify(inline)) <= settings.largePayloadThresholdBytes) {
    return { message: inline, accepted: { eventId, payloadMode: "INLINE", payloadSha256 } };
  }
  const key = payloadObjectKey(receivedAt, eventId);
  await attempt("s3", () => ports.payloads.put(key, payload, payloadSha256));
  return {
    message: s3QueueMessage(header, { bucket: ports.payloads.bucket, key, bytes: Buffer.byteLength(payload) }, payloadSha256),
    accepted: { eventId, payloadMode: "S3", payloadSha256 },
  };
}

async function attempt(stage: "s3" | "sqs", write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    throw new EnqueueError(stage, error);
  }
}

export interface BatchEvent {
  /** The event's position in the request. */
  readonly index: number;
  readonly event: EventInput;
  readonly eventId: string;
}

export type BatchItemOutcome =
  | { readonly index: number; readonly enqueued: true; readonly accepted: Accepted }
  | { readonly index: number; readonly enqueued: false; readonly stage: "s3" | "sqs"; readonly reason: string };

/**
 * Accepts validated events together: each is prepared as a single event would be (large payloads
 * go to S3 first), then all ready messages go to the queue at once. An event is reported enqueued
 * only when the queue confirmed its message.
 */
export async function ingestBatch(
  ports: IngestPorts,
  settings: IngestSettings,
  source: string,
  events: readonly BatchEvent[],
  correlationId: string,
): Promise<BatchItemOutcome[]> {
  const prepared = await Promise.all(
    events.map((e) =>
      prepareMessage(ports, settings, source, e.event, correlationId, e.eventId).then(
        (message): PreparedMessage | EnqueueError => message,
        (error: unknown) => (error instanceof EnqueueError ? error : new EnqueueError("s3", error)),
      ),
    ),
  );
  const outcomes: BatchItemOutcome[] = [];
  const ready: { index: number; prepared: PreparedMessage }[] = [];
  prepared.forEach((result, position) => {
    const { index } = events[position];
    if (result instanceof EnqueueError) outcomes.push({ index, enqueued: false, stage: result.stage, reason: String(result.cause) });
    else ready.push({ index, prepared: result });
  });
  const failures = await sendAll(ports, ready.map((r) => r.prepared));
  const failed = new Map(failures.map((f) => [f.index, f.reason]));
  ready.forEach(({ index, prepared: { accepted } }, position) => {
    const reason = failed.get(position);
    outcomes.push(reason === undefined ? { index, enqueued: true, accepted } : { index, enqueued: false, stage: "sqs", reason });
  });
  return outcomes.sort((a, b) => a.index - b.index);
}

async function sendAll(ports: IngestPorts, prepared: readonly PreparedMessage[]): Promise<BatchSendFailure[]> {
  if (prepared.length === 0) return [];
  try {
    return await ports.queue.sendBatch(prepared.map((p) => p.message));
  } catch (error) {
    return prepared.map((_, index) => ({ index, reason: String(error) }));
  }
}
