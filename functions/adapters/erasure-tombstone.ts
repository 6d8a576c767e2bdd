import { sql, type DatabasePool, type FragmentSqlToken } from "slonik";
import { z } from "zod";
import type { NewEvent } from "../shared/ports";

/** The hex SHA-256 of a user id's UTF-8 bytes, as migration 009's erasures table stores it. */
export function userIdSha256(userId: FragmentSqlToken | string): FragmentSqlToken {
  return sql.fragment`encode(sha256(convert_to(${userId}, 'UTF8')), 'hex')`;
}

/**
 * True for an event (a row named `row`, with user_id, source and received_at) that an erasure
 * covers: the same user, in its source or every source, received at or before it ran. The
 * processor's insert keeps only the rows for which it is false.
 */
export function erasedEvent(row: string): FragmentSqlToken {
  const column = (name: string) => sql.identifier([row, name]);
  return sql.fragment`EXISTS (
    SELECT 1 FROM erasures x
    WHERE x.user_id_sha256 = ${userIdSha256(sql.fragment`${column("user_id")}`)}
      AND (x.source IS NULL OR x.source = ${column("source")})
      AND ${column("received_at")} <= x.erased_at)`;
}

/** An event as an archive holds it: enough to tell whether an erasure covers it. */
export interface ArchivedEventRef {
  readonly eventId: string;
  readonly source: string;
  readonly userId: string;
  readonly receivedAt: string;
}

/**
 * The ids of these events that an erasure covers. Replay from archive skips them: archives are
 * never rewritten, the erasures table is the tombstone every reader of them honours.
 */
export async function erasedEventIds(pool: DatabasePool, rows: readonly ArchivedEventRef[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const tuples = rows.map((r) => [r.eventId, r.userId, r.source, r.receivedAt]);
  const ids = await pool.anyFirst(sql.type(z.object({ event_id: z.string() }))`
    SELECT i.event_id FROM ${sql.unnest(tuples, ["text", "text", "text", "timestamptz"])} AS i(event_id, user_id, source, received_at)
    WHERE ${erasedEvent("i")}`);
  return new Set(ids);
}

/** Which of these events (the processor's insert skipped them) an erasure covers. */
export async function erasedAmong(pool: DatabasePool, events: readonly NewEvent[]): Promise<string[]> {
  const refs = events.map((e) => ({ eventId: e.eventId, source: e.source, userId: e.event.user_id, receivedAt: e.receivedAt }));
  return [...(await erasedEventIds(pool, refs))];
}
