import * as t from "io-ts";
import { isLeft } from "fp-ts/Either";
import { PathReporter } from "io-ts/PathReporter";
import { isRfc3339DateTime } from "./event-schema";
import { sha256Hex } from "./hash";
import { correlationIdPattern, uuidPattern } from "./id-formats";
import { defaultSourceName, sourceNamePattern } from "./sources";

/** Any JSON value, but present: t.unknown alone would let a message without a payload through. */
const PresentJson = new t.Type<unknown>(
  "PresentJson",
  (u): u is unknown => u !== undefined,
  (u, c) => (u === undefined ? t.failure(u, c, "is required") : t.success(u)),
  t.identity,
);

const PayloadRef = t.type({ bucket: t.string, key: t.string, bytes: t.number });

function checkedString(name: string, valid: (value: string) => boolean, problem: string, canonical = (value: string) => value): t.Type<string, string, unknown> {
  return new t.Type<string, string, unknown>(
    name,
    (u): u is string => typeof u === "string" && valid(u),
    (u, c) => (typeof u === "string" && valid(u) ? t.success(canonical(u)) : t.failure(u, c, `${name} ${problem}`)),
    t.identity,
  );
}

// The processor stores a whole batch in one statement, which casts these to uuid and timestamptz
// (and PostgreSQL's text refuses NUL): one value it refused would fail every message of the batch.
// Checked here, such a message is poison on its own. PostgreSQL prints a uuid in lower case.
const Envelope = t.intersection([
  t.type({
    version: t.literal(1),
    event_id: checkedString("event_id", (u) => uuidPattern.test(u), "must be a UUID", (u) => u.toLowerCase()),
    correlation_id: checkedString("correlation_id", (u) => correlationIdPattern.test(u), "must be 1 to 128 printable ASCII characters"),
    received_at: checkedString("received_at", isRfc3339DateTime, "must be an RFC 3339 date-time"),
    payload_sha256: t.string,
  }),
  // Absent on messages sent before sources existed: those belong to the default source.
  t.partial({ source: checkedString("source", (u) => sourceNamePattern.test(u), "must be a source name") }),
]);

/**
 * The SQS message ingest sends: the payload inline, or a pointer to it in S3; always the SHA-256 of
 * the payload's JSON text. The processor checks the hash before it decodes the payload itself.
 */
export const QueueMessage = t.union([
  t.intersection([Envelope, t.type({ payload: PresentJson })]),
  t.intersection([Envelope, t.type({ payload_ref: PayloadRef })]),
]);
export type QueueMessage = t.TypeOf<typeof QueueMessage>;
export type PayloadRef = t.TypeOf<typeof PayloadRef>;

/** What identifies a queue message, whatever carries its payload. */
export interface MessageHeader {
  readonly source: string;
  readonly eventId: string;
  readonly correlationId: string;
  readonly receivedAt: Date;
}

function envelope(header: MessageHeader, payloadSha256: string) {
  return {
    version: 1 as const,
    source: header.source,
    event_id: header.eventId,
    correlation_id: header.correlationId,
    received_at: header.receivedAt.toISOString(),
    payload_sha256: payloadSha256,
  };
}

/**
 * The message that carries its payload inline. The hash is over the payload's JSON text, as the
 * processor recomputes it; pass it when it is already known, or a different one to build a poisoned message.
 */
export function inlineQueueMessage(header: MessageHeader, payload: unknown, payloadSha256 = sha256Hex(JSON.stringify(payload))): QueueMessage {
  return { ...envelope(header, payloadSha256), payload };
}

/** The message that points to its payload in S3; `payloadSha256` is the hash of the object's text. */
export function s3QueueMessage(header: MessageHeader, ref: PayloadRef, payloadSha256: string): QueueMessage {
  return { ...envelope(header, payloadSha256), payload_ref: ref };
}

/** Message attribute names; SQS carries them beside the body so they can be read without parsing it. */
export const messageAttributeNames = {
  correlationId: "correlation_id",
  eventId: "event_id",
  source: "source",
  userId: "user_id",
  replay: "replay",
  replayId: "replay_id",
  /** Set by the processor on the copies it re-sends: how many receives of the event failed permanently. */
  permanentFailures: "permanent_failures",
  /** Set by the processor on what it dead-letters: why the event can never be stored. */
  failureReason: "failure_reason",
} as const;

/** The source a queue message belongs to. */
export function sourceOfMessage(message: QueueMessage): string {
  return message.source ?? defaultSourceName;
}

/** The message attributes of a queue message, in the SDK's SendMessage shape. */
export function queueMessageAttributes(message: QueueMessage): Record<string, { DataType: "String"; StringValue: string }> {
  return {
    [messageAttributeNames.correlationId]: { DataType: "String", StringValue: message.correlation_id },
    [messageAttributeNames.eventId]: { DataType: "String", StringValue: message.event_id },
    [messageAttributeNames.source]: { DataType: "String", StringValue: sourceOfMessage(message) },
  };
}

export function parseQueueMessage(body: string): { ok: true; message: QueueMessage } | { ok: false; reason: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { ok: false, reason: "message body is not JSON" };
  }
  const decoded = QueueMessage.decode(parsed);
  if (isLeft(decoded)) return { ok: false, reason: PathReporter.report(decoded).slice(0, 3).join("; ") };
  return { ok: true, message: decoded.right };
}
