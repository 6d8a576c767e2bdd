import type { APIGatewayProxyEvent } from "aws-lambda";
import { headerValue } from "../shared/http";
import { uuidv5 } from "../shared/ids";

/** Fluxa's UUIDv5 namespace for event ids derived from idempotency keys. */
const idempotencyNamespace = "6f9c1d2e-3b4a-5c6d-8e7f-0a1b2c3d4e5f";
const keyPattern = /^[\x21-\x7e]{1,255}$/;

export const idempotencyKeyRule = "must be 1 to 255 printable ASCII characters";

export type IdempotentEventId = { ok: true; eventId: string | undefined } | { ok: false; message: string };

type IdempotencyRequest = Pick<APIGatewayProxyEvent, "headers" | "requestContext">;

export function isIdempotencyKey(value: unknown): value is string {
  return typeof value === "string" && keyPattern.test(value);
}

/**
 * A client that retries with the same idempotency key under the same source gets the same
 * event_id, so the processor's ON CONFLICT keeps one row. Keys belong to the source, not to one of
 * its API keys: a retry under the source's rotated key is still the same event, and the same key
 * string under two sources names two events.
 */
export function eventIdForKey(source: string, key: string): string {
  return uuidv5(idempotencyNamespace, `${source}\n${key}`);
}

/** The Idempotency-Key header, checked; undefined when the request has none. */
export function idempotencyKeyHeader(request: IdempotencyRequest): { ok: true; key: string | undefined } | { ok: false; message: string } {
  const key = headerValue(request, "idempotency-key");
  if (key === undefined || isIdempotencyKey(key)) return { ok: true, key };
  return { ok: false, message: `Idempotency-Key ${idempotencyKeyRule}` };
}

export function idempotentEventId(request: IdempotencyRequest, source: string): IdempotentEventId {
  const header = idempotencyKeyHeader(request);
  if (!header.ok) return header;
  return { ok: true, eventId: header.key === undefined ? undefined : eventIdForKey(source, header.key) };
}
