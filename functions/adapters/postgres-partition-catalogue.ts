import { sql, type DatabasePool } from "slonik";
import { z } from "zod";
import type { ArchivedRow } from "../shared/event-archive";
import type { PartitionCatalogue } from "../maintain/ports";
import { ensureEventPartitions } from "./postgres-event-partitions";

// pg_get_expr writes the bounds as text with their offset (`FOR VALUES FROM ('2026-12-01 00:00:00+00') TO (...)`),
// so they cast back to the same instants whatever the session's TimeZone.
const boundsPattern = "FROM \\('([^']+)'\\) TO \\('([^']+)'\\)";
const partitionRow = z.object({ name: z.string(), from_at: z.number(), to_at: z.number() });
const archivedRow = z.object({ row: z.record(z.unknown()) });

/** Longest wait for the locks a detach takes: past it the run fails (and alarms) instead of queueing every reader of events behind it. */
const detachLockTimeout = "5s";

/** The attached partitions of events, and what retention does to them. */
export function postgresPartitionCatalogue(pool: DatabasePool): PartitionCatalogue {
  const partition = (name: string) => sql.identifier([name]);
  return {
    async list() {
      const rows = await pool.any(sql.type(partitionRow)`
        SELECT name, bounds[1]::timestamptz AS from_at, bounds[2]::timestamptz AS to_at FROM (
          SELECT c.relname AS name, regexp_match(pg_get_expr(c.relpartbound, c.oid), ${boundsPattern}) AS bounds
          FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
          WHERE i.inhparent = 'events'::regclass
        ) AS attached
        WHERE bounds IS NOT NULL
        ORDER BY from_at`);
      return rows.map((row) => ({ name: row.name, from: new Date(row.from_at), to: new Date(row.to_at) }));
    },

    createAhead: (layout, now) => ensureEventPartitions(pool, layout, now),

    async rowCount(name) {
      return pool.oneFirst(sql.type(z.object({ count: z.number() }))`SELECT count(*)::int AS count FROM ${partition(name)}`);
    },

    async unpublishedCount(name) {
      return pool.oneFirst(sql.type(z.object({ count: z.number() }))`
        SELECT count(*)::int AS count FROM outbox WHERE EXISTS (
          SELECT 1 FROM ${partition(name)} AS e WHERE e.event_id = outbox.event_id AND e.created_at = outbox.created_at)`);
    },

    async rows(name, after, limit) {
      const cursor = after === null ? sql.fragment`TRUE` : sql.fragment`(created_at, event_id) > (${after.createdAt}::timestamptz, ${after.eventId}::uuid)`;
      // created_at as UTC text with its microseconds: to_jsonb would write it in the session's TimeZone.
      const rows = await pool.anyFirst(sql.type(archivedRow)`
        SELECT to_jsonb(e) || jsonb_build_object('created_at', to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')) AS row
        FROM ${partition(name)} AS e
        WHERE ${cursor}
        ORDER BY created_at, event_id
        LIMIT ${limit}`);
      return rows as unknown as ArchivedRow[];
    },

    async detachAndDrop(name) {
      return pool.transaction(async (tx) => {
        await tx.query(sql.unsafe`SET LOCAL lock_timeout = ${sql.literalValue(detachLockTimeout)}`);
        // The row count under the lock the drop holds: what the drop removes, exactly.
        await tx.query(sql.unsafe`LOCK TABLE ${partition(name)} IN ACCESS EXCLUSIVE MODE`);
        const rows = await tx.oneFirst(sql.type(z.object({ count: z.number() }))`SELECT count(*)::int AS count FROM ${partition(name)}`);
        // DETACH ... CONCURRENTLY would take only SHARE UPDATE EXCLUSIVE on events, but PostgreSQL refuses it
        // when the table has a default partition (events_default) and inside a transaction block. A plain
        // DETACH takes ACCESS EXCLUSIVE on events for a moment (no scan: the default partition's bound
        // only widens), so lock_timeout above bounds how long readers can queue behind it.
        await tx.query(sql.unsafe`ALTER TABLE events DETACH PARTITION ${partition(name)}`);
        await tx.query(sql.unsafe`DROP TABLE ${partition(name)}`);
        return rows;
      });
    },
  };
}
