import type { APIGatewayProxyEvent } from "aws-lambda";
import { headerValue } from "../shared/http";
import { uuidv5 } from "../shared/ids";

/** Fluxa's UUIDv5 namespace for event ids derived from Idempotency-Key headers. */
const idempotencyNamespace = "6f9c1d2e-3b4a-5c6d-8e7f-0a1b2c3d4e5f";
const keyPattern = /^[\x21-\x7e]{1,255}$/;

export type IdempotentEventId = { ok: true; eventId: string | undefined } | { ok: false; message: string };

/**
 * A client that retries a POST with the same Idempotency-Key (under the same API key) gets the
 * same event_id, so the processor's ON CONFLICT keeps one row. Keys of different API keys never
 * collide: the API key's id is part of the name.
 */
export function idempotentEventId(request: Pick<APIGatewayProxyEvent, "headers" | "requestContext">): IdempotentEventId {
  const key = headerValue(request, "idempotency-key");
  if (key === undefined) return { ok: true, eventId: undefined };
  if (!keyPattern.test(key)) return { ok: false, message: "Idempotency-Key must be 1 to 255 printable ASCII characters" };
  const identity = request.requestContext?.identity;
  const caller = identity?.apiKeyId ?? identity?.apiKey ?? "";
  return { ok: true, eventId: uuidv5(idempotencyNamespace, `${caller}\n${key}`) };
}
