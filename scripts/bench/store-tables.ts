/**
 * The two tables the store bench compares, at the same size: events as migrations 001-007 left it
 * (unpartitioned, event_id its primary key) and as migration 008 makes it (partitioned by day, as
 * prod is, with event_keys). Rows are generated in SQL, never through the API.
 */
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Client } from "pg";
import type { DatabasePool } from "slonik";
import { ensureEventPartitions } from "../../functions/adapters/postgres-event-partitions";
import type { PartitionLayout } from "../../functions/shared/event-partitions";
import { applyMigrations } from "../../functions/shared/migrations";

export type StoreShape = "unpartitioned" | "partitioned";

export interface GeneratedStore {
  readonly rows: number;
  readonly users: number;
  readonly sources: readonly string[];
  /** created_at of the generated rows: `[from, to)`, evenly spread. */
  readonly from: Date;
  readonly to: Date;
}

/** prod's width: the period retention drops is one day. */
export const benchLayout: PartitionLayout = { width: "day", ahead: 14 };
export const generatedDays = 30;
const chunkRows = 500_000;

const migrationsDirectory = path.join(__dirname, "..", "..", "migrations");

/** Applies the migrations of that shape (001-007, or all) to the database at `url`. */
export async function migrateTo(shape: StoreShape, url: string): Promise<void> {
  if (shape === "partitioned") {
    await applyMigrations(url, migrationsDirectory);
    return;
  }
  const before008 = mkdtempSync(path.join(tmpdir(), "fluxa-migrations-"));
  try {
    for (const file of readdirSync(migrationsDirectory).filter((f) => /^00[1-7]_/.test(f))) copyFileSync(path.join(migrationsDirectory, file), path.join(before008, file));
    await applyMigrations(url, before008);
  } finally {
    rmSync(before008, { recursive: true, force: true });
  }
}

/**
 * `store.rows` events over `generatedDays` days ending at `store.to`, every user with as many of each
 * source; ids md5(i), the same in both shapes. Every row is published, as a table at size mostly is.
 * `db` has no statement timeout (the functions' pool stops a statement at 10 s).
 */
export async function generateRows(db: Client, pool: DatabasePool, shape: StoreShape, store: GeneratedStore, onProgress: (done: number) => void): Promise<void> {
  if (shape === "partitioned") await ensureEventPartitions(pool, { ...benchLayout, ahead: generatedDays + benchLayout.ahead }, store.from);
  const stepMicros = Math.floor(((store.to.getTime() - store.from.getTime()) * 1000) / store.rows);
  const sources = `ARRAY[${store.sources.map((s) => `'${s}'`).join(", ")}]`;
  const generated = (first: number, last: number) => `
    FROM generate_series(${first}::bigint, ${last}::bigint) AS i,
         LATERAL (SELECT '${store.from.toISOString()}'::timestamptz + (i - 1) * ${stepMicros} * interval '1 microsecond' AS t) AS at`;
  // Before migration 011 the outbox was the published_at column; since, a published event has no outbox row.
  const published = shape === "partitioned" ? { column: "", value: "" } : { column: ", published_at", value: ", t" };
  for (let first = 1; first <= store.rows; first += chunkRows) {
    const last = Math.min(store.rows, first + chunkRows - 1);
    await db.query(`
      INSERT INTO events (event_id, source, correlation_id, user_id, amount, currency, merchant, event_timestamp, metadata,
                          metadata_escaped_bytes, payload_mode, payload_sha256, received_at, created_at${published.column})
      SELECT md5(i::text)::uuid, (${sources})[1 + i % ${store.sources.length}], 'bench-' || i, 'user-' || (i % ${store.users}),
             (i % 10000) / 100.0, 'EUR', 'merchant-' || (i % 100), t, '{"campaign": "bench"}', 24, 'INLINE', md5(i::text) || md5(i::text), t, t${published.value}
      ${generated(first, last)}`);
    if (shape === "partitioned") await db.query(`INSERT INTO event_keys (event_id, created_at) SELECT md5(i::text)::uuid, t ${generated(first, last)}`);
    onProgress(last);
  }
  await db.query("ANALYZE");
}
