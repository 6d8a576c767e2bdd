import { sql, type DatabasePool } from "slonik";
import { z } from "zod";
import { partitionsThrough, type PartitionLayout, type PartitionRange } from "../shared/event-partitions";

const defaultPartition = "events_default";

/**
 * Creates the partitions of `events` from the oldest row waiting in the default partition (if any)
 * through `layout.ahead` past the one holding `now`, and returns the names it created. Safe to run
 * again and from several places at once (the migrate function, the local stack's start, a schedule).
 */
export async function ensureEventPartitions(pool: DatabasePool, layout: PartitionLayout, now: Date): Promise<string[]> {
  const existing = new Set(
    await pool.anyFirst(sql.type(z.object({ name: z.string() }))`
      SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'events'::regclass`),
  );
  const oldestWaiting = await pool.maybeOneFirst(sql.type(z.object({ oldest: z.number().nullable() }))`
    SELECT min(created_at) AS oldest FROM ${sql.identifier([defaultPartition])}`);
  const since = oldestWaiting === null ? now : new Date(oldestWaiting);
  const created: string[] = [];
  for (const range of partitionsThrough(layout, now, since)) {
    if (existing.has(range.name)) continue;
    if (await createPartition(pool, range)) created.push(range.name);
  }
  return created;
}

/**
 * PostgreSQL refuses a partition whose range already has rows in the default partition, so those
 * rows move into the new table before it is attached, all in one transaction. Locking the default
 * partition first keeps an insert from landing in the range meanwhile; reads go on. False when a
 * concurrent run created it first.
 */
async function createPartition(pool: DatabasePool, range: PartitionRange): Promise<boolean> {
  const partition = sql.identifier([range.name]);
  const from = sql.literalValue(range.from.toISOString());
  const to = sql.literalValue(range.to.toISOString());
  return pool.transaction(async (tx) => {
    // A period's move is as long as its rows: the function's own timeout bounds it, not the pool's per-query one.
    await tx.query(sql.unsafe`SET LOCAL statement_timeout = 0`);
    await tx.query(sql.unsafe`LOCK TABLE ${sql.identifier([defaultPartition])} IN SHARE ROW EXCLUSIVE MODE`);
    const taken = await tx.exists(sql.unsafe`SELECT 1 FROM pg_class WHERE relname = ${range.name} AND relkind = 'r'`);
    if (taken) return false;
    await tx.query(sql.unsafe`CREATE TABLE ${partition} (LIKE events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
    await tx.query(sql.unsafe`
      WITH moved AS (DELETE FROM ${sql.identifier([defaultPartition])} WHERE created_at >= ${from} AND created_at < ${to} RETURNING *)
      INSERT INTO ${partition} SELECT * FROM moved`);
    // Attaching creates the parent's indexes (primary key, source's) on the new table.
    await tx.query(sql.unsafe`ALTER TABLE events ATTACH PARTITION ${partition} FOR VALUES FROM (${from}) TO (${to})`);
    return true;
  });
}
