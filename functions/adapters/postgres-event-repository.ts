import { sql, type DatabasePool, type FragmentSqlToken } from "slonik";
import { z } from "zod";
import { escapedJsonBytes } from "../shared/body-bytes";
import type { EventRepository, NewEvent, StoredEvent } from "../shared/ports";
import { erasedAmong } from "./erasure-tombstone";

const metadataField = z.record(z.unknown()).nullable();
const fieldsBesideMetadata = {
  event_id: z.string(),
  source: z.string(),
  correlation_id: z.string(),
  user_id: z.string(),
  amount: z.number(),
  currency: z.string(),
  merchant: z.string(),
  event_timestamp: z.number(),
  payload_mode: z.enum(["INLINE", "S3"]),
  created_at: z.number(),
};
export const storedEventFields = { ...fieldsBesideMetadata, metadata: metadataField };
const storedEventRow = z.object(storedEventFields);
type StoredEventRow = z.infer<typeof storedEventRow>;
export const listedRow = z.object({ ...storedEventFields, sort_created_at: z.string() });
const listingCandidateRow = z.object({ ...fieldsBesideMetadata, sort_created_at: z.string(), metadata_bytes: z.number() });
const metadataRow = z.object({ event_id: z.string(), metadata: metadataField });
const persistedRow = z.object({ ...storedEventFields, unpublished: z.boolean(), conflicting: z.boolean() });

// slonik's default type parsers turn numeric into a JS number and timestamptz into epoch milliseconds.
const columnsBesideMetadata = sql.fragment`
  event_id, source, correlation_id, user_id, amount, currency, merchant, event_timestamp, payload_mode, created_at`;
export const storedEventColumns = sql.fragment`${columnsBesideMetadata}, metadata`;

// Rows stored before migration 005 have no size: it is bounded from jsonb's text, which escapes
// strings exactly as JSON.stringify does (as many quotes and backslashes, each one byte more once
// escaped in a body), adds a space after every ':' and ',', and writes numbers in positional
// notation, never shorter than JSON.stringify's. COALESCE reads (and detoasts) metadata only for those rows.
const metadataBytes = sql.fragment`COALESCE(metadata_escaped_bytes, (
  SELECT 2 * octet_length(t) - octet_length(translate(t, '"\\', ''))
  FROM (SELECT COALESCE(metadata::text, 'null')) AS m(t))) AS metadata_bytes`;

export function toStoredEvent(row: StoredEventRow): StoredEvent {
  return {
    event_id: row.event_id,
    source: row.source,
    correlation_id: row.correlation_id,
    user_id: row.user_id,
    amount: row.amount,
    currency: row.currency,
    merchant: row.merchant,
    timestamp: new Date(row.event_timestamp).toISOString(),
    metadata: row.metadata as StoredEvent["metadata"],
    payload_mode: row.payload_mode,
    created_at: new Date(row.created_at).toISOString(),
  };
}

// created_at is also read as text: a JS Date would drop its microseconds, and a cursor that lost
// them would skip or repeat rows.
export const sortCreatedAt = sql.fragment`to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS sort_created_at`;

/**
 * The events row of one id, found through its key: the key's created_at names the partition. The
 * inner subquery is run once per key with that created_at as a parameter, so PostgreSQL opens only
 * its partition; OFFSET 0 keeps the planner from flattening it into a join that reads every partition.
 */
function storedRowOf(eventId: FragmentSqlToken) {
  return sql.fragment`(
    SELECT e.* FROM event_keys AS k CROSS JOIN LATERAL (
      SELECT * FROM events WHERE events.event_id = k.event_id AND events.created_at = k.created_at OFFSET 0
    ) AS e
    WHERE k.event_id = ${eventId})`;
}

/** The columns persist fills from a NewEvent, in the order of `newEventArrays`; created_at comes from the database. */
export const newEventColumns = sql.fragment`event_id, source, correlation_id, user_id, amount, currency, merchant, event_timestamp,
  metadata, metadata_escaped_bytes, payload_mode, payload_sha256, payload_key, received_at`;
const newEventTypes = ["uuid", "text", "text", "text", "numeric", "text", "text", "timestamptz", "jsonb", "int4", "text", "text", "text", "timestamptz"] as const;

/** The events as one array parameter per column of `newEventColumns`, in its order: the arguments of store_events (migration 012), or of unnest. */
export function newEventArrays(events: readonly NewEvent[]) {
  const tuples = events.map((e) => {
    const metadata = e.event.metadata === undefined ? null : JSON.stringify(e.event.metadata);
    return [
      e.eventId,
      e.source,
      e.correlationId,
      e.event.user_id,
      String(e.event.amount),
      e.event.currency,
      e.event.merchant,
      e.event.timestamp,
      metadata,
      escapedJsonBytes(metadata ?? "null"),
      e.payloadMode,
      e.payloadSha256,
      e.payloadKey,
      e.receivedAt,
    ];
  });
  return sql.join(
    newEventTypes.map((type, column) => sql.array(tuples.map((tuple) => tuple[column]), type)),
    sql.fragment`, `,
  );
}

function uniqueByEventId(events: readonly NewEvent[]): NewEvent[] {
  const seen = new Map<string, NewEvent>();
  for (const event of events) if (!seen.has(event.eventId)) seen.set(event.eventId, event);
  return [...seen.values()];
}

/**
 * The rows of events whose ids an earlier delivery claimed: stored and still in the outbox, or stored
 * with another payload under the same event_id. ON CONFLICT DO NOTHING waits for a concurrent
 * claimer of the same event_id to commit, so each of these rows was committed before the INSERT
 * returned, and this later statement sees it. A key without its event (erased) returns nothing: that
 * event was delivered once and is acknowledged.
 */
function earlierDeliveries(pool: DatabasePool, events: readonly NewEvent[]) {
  return pool.any(sql.type(persistedRow)`
    SELECT ${storedEventColumns}, unpublished, conflicting FROM (
      SELECT e.*, EXISTS (SELECT 1 FROM outbox WHERE outbox.event_id = e.event_id) AS unpublished, e.payload_sha256 <> i.payload_sha256 AS conflicting
      FROM ${sql.unnest(
        events.map((e) => [e.eventId, e.payloadSha256]),
        ["uuid", "text"],
      )} AS i(event_id, payload_sha256)
      CROSS JOIN LATERAL ${storedRowOf(sql.fragment`i.event_id`)} AS e
    ) AS existing
    WHERE unpublished OR conflicting`);
}

export function postgresEventRepository(pool: DatabasePool): EventRepository {
  return {
    async persist(events) {
      if (events.length === 0) return { unpublished: [], conflicting: [], erased: [] };
      const unique = uniqueByEventId(events);
      // One call, so one atomic round trip for the batch: store_events (migration 012) claims each id in
      // event_keys (events is unique only per partition), inserts the claimed ones with their outbox rows
      // and returns them, with its plans kept for the connection.
      const inserted = await pool.any(sql.type(storedEventRow)`SELECT * FROM store_events(${newEventArrays(unique)})`);
      const insertedIds = new Set(inserted.map((row) => row.event_id));
      const earlier = unique.filter((e) => !insertedIds.has(e.eventId));
      const existing = earlier.length === 0 ? [] : await earlierDeliveries(pool, earlier);
      const erased = await erasedAmong(pool, earlier);
      return {
        erased,
        unpublished: [...inserted, ...existing.filter((row) => row.unpublished)].map(toStoredEvent),
        conflicting: existing.filter((row) => row.conflicting).map((row) => row.event_id),
      };
    },

    async markPublished(eventIds) {
      if (eventIds.length === 0) return;
      // Commits asynchronously without a SET reaching RDS Proxy (migrations/007).
      await pool.query(sql.unsafe`SELECT mark_published(${sql.array(eventIds, "uuid")})`);
    },

    async findById(eventId, source) {
      const row = await pool.maybeOne(sql.type(storedEventRow)`
        SELECT ${storedEventColumns} FROM ${storedRowOf(sql.fragment`${eventId}::uuid`)} AS e WHERE source = ${source}`);
      return row ? toStoredEvent(row) : undefined;
    },

    async list({ source, userId, from, to, after, limit }) {
      const conditions = [sql.fragment`source = ${source}`, sql.fragment`user_id = ${userId}`];
      if (from !== undefined) conditions.push(sql.fragment`created_at >= ${from}::timestamptz`);
      if (to !== undefined) conditions.push(sql.fragment`created_at < ${to}::timestamptz`);
      // A row comparison in the order of events_source_user_id_created_at_event_id_idx lets the index
      // start right after the cursor instead of skipping the rows of earlier pages.
      // PostgreSQL prunes partitions by plain comparisons only: the cursor's created_at bounds the listing too.
      if (after !== undefined) {
        conditions.push(sql.fragment`(created_at, event_id) < (${after.createdAt}::timestamptz, ${after.eventId}::uuid)`);
        conditions.push(sql.fragment`created_at <= ${after.createdAt}::timestamptz`);
      }
      const rows = await pool.any(sql.type(listingCandidateRow)`
        SELECT ${columnsBesideMetadata}, ${sortCreatedAt}, ${metadataBytes}
        FROM events
        WHERE ${sql.join(conditions, sql.fragment` AND `)}
        ORDER BY created_at DESC, event_id DESC
        LIMIT ${limit + 1}`);
      return {
        entries: rows.slice(0, limit).map((row) => ({
          event: { ...toStoredEvent({ ...row, metadata: null }), metadata: null },
          metadataBytes: row.metadata_bytes,
          key: { createdAt: row.sort_created_at, eventId: row.event_id },
        })),
        more: rows.length > limit,
      };
    },

    async findMetadata(eventIds) {
      if (eventIds.length === 0) return new Map();
      const rows = await pool.any(sql.type(metadataRow)`
        SELECT e.event_id, e.metadata
        FROM unnest(${sql.array(eventIds, "uuid")}) AS i(event_id) CROSS JOIN LATERAL ${storedRowOf(sql.fragment`i.event_id`)} AS e`);
      return new Map(rows.map((row) => [row.event_id, row.metadata as StoredEvent["metadata"]]));
    },
  };
}
