import { sql, type DatabasePool } from "slonik";
import { z } from "zod";
import type { ErasureRecord, ErasureSelection, ErasureStore } from "../shared/ports";

const exactTime = (column: string) => sql.fragment`to_char(${sql.identifier([column])} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const erasureRow = z.object({
  erasure_id: z.string(),
  user_id_sha256: z.string(),
  source: z.string().nullable(),
  erased_at: z.string(),
  requested_by: z.string(),
  rows_deleted: z.number().nullable(),
  payloads_deleted: z.number().nullable(),
  finished_at: z.string().nullable(),
});
const countsRow = z.object({ rows: z.number(), payloads: z.number() });

function toRecord(row: z.infer<typeof erasureRow>): ErasureRecord {
  return {
    erasureId: row.erasure_id,
    userIdSha256: row.user_id_sha256,
    source: row.source,
    erasedAt: row.erased_at,
    requestedBy: row.requested_by,
    erased: row.rows_deleted === null || row.payloads_deleted === null ? null : { rows: row.rows_deleted, payloads: row.payloads_deleted },
    finishedAt: row.finished_at,
  };
}

/** The rows an erasure covers; a plain predicate on events, which PostgreSQL applies to every partition. */
function selected({ userId, source }: ErasureSelection, receivedUpTo: string) {
  const conditions = [sql.fragment`user_id = ${userId}`, sql.fragment`received_at <= ${receivedUpTo}::timestamptz`];
  if (source !== null) conditions.push(sql.fragment`source = ${source}`);
  return sql.join(conditions, sql.fragment` AND `);
}

/** How long the barrier may queue for its lock before the erasure fails (and is run again). */
const barrierLockTimeout = "10s";

export function postgresErasureStore(pool: DatabasePool): ErasureStore {
  return {
    async count(selection, receivedUpTo) {
      return pool.one(sql.type(countsRow)`
        SELECT count(*)::float8 AS rows, (count(*) FILTER (WHERE payload_mode = 'S3' AND payload_key IS NOT NULL))::float8 AS payloads
        FROM events WHERE ${selected(selection, receivedUpTo)}`);
    },

    async tombstone(record) {
      await pool.query(sql.unsafe`
        INSERT INTO erasures (erasure_id, user_id_sha256, source, erased_at, requested_by)
        VALUES (${record.erasureId}, ${record.userIdSha256}, ${record.source}, ${record.erasedAt}::timestamptz, ${record.requestedBy})`);
      // A barrier, released at once: SHARE conflicts with the ROW EXCLUSIVE lock every INSERT into
      // events holds from before its snapshot until it commits. Once granted, each insert that
      // could have missed the tombstone has committed (and its rows are visible to the DELETE);
      // every later one takes its snapshot after the tombstone committed, so skips the user's rows.
      // AWS: RDS Proxy pins a connection on a session SET; set_config(…, true) lasts the transaction only.
      await pool.transaction(async (tx) => {
        await tx.query(sql.unsafe`SELECT set_config('lock_timeout', ${barrierLockTimeout}, true)`);
        await tx.query(sql.unsafe`LOCK TABLE events IN SHARE MODE`);
      });
    },

    async payloadKeys(selection, receivedUpTo) {
      return [
        ...(await pool.anyFirst(sql.type(z.object({ payload_key: z.string() }))`
          SELECT payload_key FROM events
          WHERE ${selected(selection, receivedUpTo)} AND payload_mode = 'S3' AND payload_key IS NOT NULL`)),
      ];
    },

    async deleteEvents(selection, receivedUpTo) {
      // An erased event is never announced again: its outbox row goes with it.
      return pool.oneFirst(sql.type(z.object({ count: z.number() }))`
        WITH deleted AS (DELETE FROM events WHERE ${selected(selection, receivedUpTo)} RETURNING event_id),
        dequeued AS (DELETE FROM outbox WHERE event_id IN (SELECT event_id FROM deleted))
        SELECT count(*)::int AS count FROM deleted`);
    },

    async finish(erasureId, erased, finishedAt) {
      await pool.query(sql.unsafe`
        UPDATE erasures SET rows_deleted = ${erased.rows}, payloads_deleted = ${erased.payloads}, finished_at = ${finishedAt}::timestamptz
        WHERE erasure_id = ${erasureId}`);
    },

    async list(limit) {
      const rows = await pool.any(sql.type(erasureRow)`
        SELECT erasure_id, user_id_sha256, source, ${exactTime("erased_at")} AS erased_at, requested_by,
               rows_deleted::float8 AS rows_deleted, payloads_deleted::float8 AS payloads_deleted, ${exactTime("finished_at")} AS finished_at
        FROM erasures ORDER BY erased_at DESC, erasure_id DESC LIMIT ${limit}`);
      return rows.map(toRecord);
    },
  };
}
