import { sql, type DatabasePool, type FragmentSqlToken, type IdentifierSqlToken } from "slonik";
import { z } from "zod";
import type { EventSortKey, ReplaySelection, ReplayStore, StoredReplay } from "../shared/ports";
import { listedRow, sortCreatedAt, storedEventColumns, toStoredEvent } from "./postgres-event-repository";

const exactTime = (column: string) => sql.fragment`to_char(${sql.identifier([column])} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const replayRow = z.object({
  replay_id: z.string(),
  from_at: z.string().nullable(),
  to_at: z.string(),
  user_id: z.string().nullable(),
  source: z.string().nullable(),
  unpublished_only: z.boolean(),
  from_archive: z.boolean(),
  target_queue_url: z.string().nullable(),
  selected: z.number(),
  selected_estimated: z.boolean(),
  sent: z.number(),
  failed: z.number(),
  after_created_at: z.string().nullable(),
  after_event_id: z.string().nullable(),
  finished: z.boolean(),
});

const replayColumns = sql.fragment`
  replay_id, ${exactTime("from_at")} AS from_at, ${exactTime("to_at")} AS to_at, user_id, source, unpublished_only, from_archive, target_queue_url,
  selected::float8 AS selected, selected_estimated, sent::float8 AS sent, failed::float8 AS failed, ${exactTime("after_created_at")} AS after_created_at, after_event_id, finished_at IS NOT NULL AS finished`;

function toStoredReplay(row: z.infer<typeof replayRow>): StoredReplay {
  return {
    replayId: row.replay_id,
    from: row.from_at,
    to: row.to_at,
    userId: row.user_id,
    source: row.source,
    unpublishedOnly: row.unpublished_only,
    fromArchive: row.from_archive,
    targetQueueUrl: row.target_queue_url,
    selected: row.selected,
    selectedEstimated: row.selected_estimated,
    sent: row.sent,
    failed: row.failed,
    after: row.after_created_at !== null && row.after_event_id !== null ? { createdAt: row.after_created_at, eventId: row.after_event_id } : null,
    finished: row.finished,
  };
}

type SortKeyColumn = (name: "created_at" | "event_id") => IdentifierSqlToken;

/**
 * The rows a replay reads, as `e`, and the columns of their sort key (created_at, event_id): the
 * events table itself, or for the outbox sweep the outbox (`k`) in its index order, each row's event
 * fetched through its key (OFFSET 0 keeps it a per-row lookup that opens one partition, as storedRowOf does).
 */
function selectedRows(selection: ReplaySelection): { from: FragmentSqlToken; key: SortKeyColumn } {
  if (!selection.unpublishedOnly) return { from: sql.fragment`events AS e`, key: (name) => sql.identifier(["e", name]) };
  return {
    from: sql.fragment`outbox AS k CROSS JOIN LATERAL (
      SELECT * FROM events WHERE events.event_id = k.event_id AND events.created_at = k.created_at OFFSET 0) AS e`,
    key: (name) => sql.identifier(["k", name]),
  };
}

/** The selection's conditions: the window on the sort key's created_at, the user and source on the events (`e`). */
function selectionConditions(selection: ReplaySelection, key: SortKeyColumn) {
  const conditions = [sql.fragment`${key("created_at")} < ${selection.to}::timestamptz`];
  if (selection.from !== null) conditions.push(sql.fragment`${key("created_at")} >= ${selection.from}::timestamptz`);
  if (selection.userId !== null) conditions.push(sql.fragment`e.user_id = ${selection.userId}`);
  if (selection.source !== null) conditions.push(sql.fragment`e.source = ${selection.source}`);
  return conditions;
}

const cursorValues = (after: EventSortKey | null) => (after === null ? [null, null] : [after.createdAt, after.eventId]);

const planRows = z.object({ "QUERY PLAN": z.array(z.object({ Plan: z.object({ "Plan Rows": z.number() }) })) });

/** @param exactCountLimit rows counted one by one before the planner's estimate is taken instead */
export function postgresReplayStore(pool: DatabasePool, exactCountLimit = 1_000_000): ReplayStore {
  return {
    async count(selection) {
      const { from, key } = selectedRows(selection);
      const where = sql.join(selectionConditions(selection, key), sql.fragment` AND `);
      // A month of a busy stack is far more rows than an index scan counts within the function's
      // timeout: count up to the limit, and past it take the planner's estimate from the statistics.
      const counted = await pool.oneFirst(sql.type(z.object({ count: z.number() }))`
        SELECT count(*)::int AS count FROM (SELECT 1 FROM ${from} WHERE ${where} LIMIT ${exactCountLimit + 1}) AS selected`);
      if (counted <= exactCountLimit) return { count: counted, estimated: false };
      const [plan] = await pool.oneFirst(sql.type(planRows)`EXPLAIN (FORMAT JSON) SELECT 1 FROM ${from} WHERE ${where}`);
      return { count: Math.max(plan.Plan["Plan Rows"], counted), estimated: true };
    },

    async create(replay) {
      const row = await pool.one(sql.type(replayRow)`
        INSERT INTO replays (replay_id, from_at, to_at, user_id, source, unpublished_only, from_archive, target_queue_url, selected, selected_estimated)
        VALUES (${replay.replayId}, ${replay.from}::timestamptz, ${replay.to}::timestamptz, ${replay.userId}, ${replay.source}, ${replay.unpublishedOnly},
                ${replay.fromArchive}, ${replay.targetQueueUrl}, ${replay.selected}, ${replay.selectedEstimated})
        RETURNING ${replayColumns}`);
      return toStoredReplay(row);
    },

    async find(replayId) {
      const row = await pool.maybeOne(sql.type(replayRow)`SELECT ${replayColumns} FROM replays WHERE replay_id = ${replayId}::uuid`);
      return row ? toStoredReplay(row) : undefined;
    },

    async page(selection, after, limit) {
      const { from, key } = selectedRows(selection);
      const conditions = selectionConditions(selection, key);
      // A row comparison in index order lets the scan start right after the cursor; PostgreSQL prunes
      // partitions by plain comparisons only, so the cursor's created_at bounds the window too.
      if (after !== null) {
        conditions.push(sql.fragment`(${key("created_at")}, ${key("event_id")}) > (${after.createdAt}::timestamptz, ${after.eventId}::uuid)`);
        conditions.push(sql.fragment`${key("created_at")} >= ${after.createdAt}::timestamptz`);
      }
      const rows = await pool.any(sql.type(listedRow)`
        SELECT ${storedEventColumns}, ${sortCreatedAt} FROM (
          SELECT e.* FROM ${from}
          WHERE ${sql.join(conditions, sql.fragment` AND `)}
          ORDER BY ${key("created_at")}, ${key("event_id")}
          LIMIT ${limit}
        ) AS selected
        ORDER BY created_at, event_id`);
      return rows.map((row) => ({ event: toStoredEvent(row), key: { createdAt: row.sort_created_at, eventId: row.event_id } }));
    },

    async advance(replayId, expected, progress) {
      const [expectedAt, expectedId] = cursorValues(expected);
      const [afterAt, afterId] = cursorValues(progress.after);
      const result = await pool.query(sql.unsafe`
        UPDATE replays
        SET after_created_at = ${afterAt}::timestamptz, after_event_id = ${afterId}::uuid,
            sent = sent + ${progress.sent}, failed = failed + ${progress.failed},
            finished_at = CASE WHEN ${progress.finished} THEN now() END, updated_at = now()
        WHERE replay_id = ${replayId}::uuid AND finished_at IS NULL
          AND after_created_at IS NOT DISTINCT FROM ${expectedAt}::timestamptz
          AND after_event_id IS NOT DISTINCT FROM ${expectedId}::uuid`);
      return result.rowCount === 1;
    },
  };
}
