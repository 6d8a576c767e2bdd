import { sql, type DatabasePool } from "slonik";
import { z } from "zod";
import type { NewEvent } from "../shared/ports";

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
    WHERE covered_by_erasure(i.user_id, i.source, i.received_at)`);
  return new Set(ids);
}

/** Which of these events (the processor's insert skipped them) an erasure covers. */
export async function erasedAmong(pool: DatabasePool, events: readonly NewEvent[]): Promise<string[]> {
  const refs = events.map((e) => ({ eventId: e.eventId, source: e.source, userId: e.event.user_id, receivedAt: e.receivedAt }));
  return [...(await erasedEventIds(pool, refs))];
}
