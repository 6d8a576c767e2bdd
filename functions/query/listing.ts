import { isRfc3339DateTime, userIdProblem, type ValidationDetail } from "../shared/event-schema";
import { uuidPattern } from "../shared/id-formats";
import type { EventListQuery, EventSortKey } from "../shared/ports";

export const defaultListLimit = 50;
export const maxListLimit = 500;

const knownParameters = new Set(["user_id", "from", "to", "limit", "cursor"]);

/** The longest cursor accepted back; the ones this API writes are about 100 characters. */
export const maxCursorLength = 256;

/** The cursor is the last row's sort key as base64url JSON: opaque to clients, checked on return. */
export function encodeCursor(key: EventSortKey): string {
  return Buffer.from(JSON.stringify([key.createdAt, key.eventId]), "utf8").toString("base64url");
}

export function decodeCursor(cursor: string): EventSortKey | undefined {
  if (cursor.length > maxCursorLength || !/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return undefined;
  const [createdAt, eventId] = parsed as unknown[];
  if (typeof createdAt !== "string" || !isRfc3339DateTime(createdAt)) return undefined;
  if (typeof eventId !== "string" || !uuidPattern.test(eventId)) return undefined;
  return { createdAt, eventId: eventId.toLowerCase() };
}

export type ListRequest =
  | { ok: true; query: Omit<EventListQuery, "source"> }
  | { ok: false; error: "invalid_query"; details: ValidationDetail[] }
  | { ok: false; error: "invalid_cursor"; details: ValidationDetail[] };

/**
 * GET /events parameters: user_id is required so every listing is served by the (user_id,
 * created_at, event_id) index; from (inclusive) and to (exclusive) bound created_at; a limit over
 * the maximum is refused, as the OpenAPI document's `maximum` says, rather than lowered.
 */
export function parseListRequest(parameters: Readonly<Record<string, string | undefined>> | null): ListRequest {
  const given = parameters ?? {};
  const details: ValidationDetail[] = Object.keys(given)
    .filter((name) => !knownParameters.has(name))
    .map((name) => ({ path: name, message: "is not a known parameter" }));
  const { user_id: userId, from, to, limit, cursor } = given;
  const userProblem = userIdProblem(userId);
  if (userProblem) details.push({ path: "user_id", message: userProblem });
  for (const [path, value] of [["from", from], ["to", to]] as const) {
    if (value !== undefined && !isRfc3339DateTime(value)) details.push({ path, message: "must be an RFC 3339 date-time, e.g. 2024-01-15T10:30:00Z" });
  }
  if (from !== undefined && to !== undefined && isRfc3339DateTime(from) && isRfc3339DateTime(to) && Date.parse(from) > Date.parse(to)) {
    details.push({ path: "to", message: "must not be before from" });
  }
  if (limit !== undefined && !(/^[1-9]\d{0,8}$/.test(limit) && Number(limit) <= maxListLimit)) {
    details.push({ path: "limit", message: `must be a whole number from 1 to ${maxListLimit}` });
  }
  if (details.length > 0) return { ok: false, error: "invalid_query", details };
  const after = cursor === undefined ? undefined : decodeCursor(cursor);
  if (cursor !== undefined && after === undefined) {
    return { ok: false, error: "invalid_cursor", details: [{ path: "cursor", message: "is not a cursor this API returned" }] };
  }
  return {
    ok: true,
    query: {
      userId: userId as string,
      from: from?.toUpperCase(),
      to: to?.toUpperCase(),
      after,
      limit: limit === undefined ? defaultListLimit : Number(limit),
    },
  };
}
