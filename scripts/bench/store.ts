/**
 * The store at size (`npm run bench -- --only store`): today's unpartitioned events table and the
 * partitioned one, each filled with the same rows in SQL, side by side on one embedded PostgreSQL.
 */
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Client } from "pg";
import { sql, type DatabasePool } from "slonik";
import { newEventArrays, newEventColumns, postgresEventRepository, storedEventColumns } from "../../functions/adapters/postgres-event-repository";
import { postgresReplayStore } from "../../functions/adapters/postgres-replay-store";
import { createDatabasePool } from "../../functions/shared/database";
import { partitionOf } from "../../functions/shared/event-partitions";
import { uuidv7 } from "../../functions/shared/ids";
import { applyMigrations } from "../../functions/shared/migrations";
import { ensureEventPartitions } from "../../functions/adapters/postgres-event-partitions";
import type { EventSortKey, NewEvent } from "../../functions/shared/ports";
import { newEvent } from "../lib/factories";
import { formatTable } from "../lib/table";
import { startEmbeddedPostgres } from "../local-stack/embedded-postgres";
import { median, percentile, progress, round, timed } from "./measure";
import { benchLayout, generateRows, generatedDays, migrateTo, type GeneratedStore, type StoreShape } from "./store-tables";

const sources = ["default", "mobile", "partner"];
const batchSizes = [10, 100] as const;
const batchesPerSize: Readonly<Record<(typeof batchSizes)[number], number>> = { 10: 200, 100: 50 };
const listings = 200;
const replayRows = 20_000;
const erasures = 3;

export interface StoreSide {
  readonly generateSeconds: number;
  /** Median milliseconds per batch, with the SQL the processor runs on that shape. */
  readonly batchInsertMs: Readonly<Record<string, number>>;
  readonly listingP50Ms: number;
  readonly listingP95Ms: number;
  /** The same users' listings within one day. */
  readonly windowListingP95Ms: number;
  readonly replayRowsPerSecond: number;
  readonly retention: { readonly rows: number; readonly ms: number; readonly how: string };
  readonly erasure: { readonly rowsPerUser: number; readonly medianMs: number };
}

export interface StoreBench {
  readonly rows: number;
  readonly users: number;
  readonly unpartitioned: StoreSide;
  readonly partitioned: StoreSide;
  /** Partitioned events without the key table (no uniqueness across partitions): what event_keys costs. */
  readonly withoutKeyTableMs: Readonly<Record<string, number>>;
  /** Migration 008 on the unpartitioned table as the bench left it. */
  readonly migration: { readonly rows: number; readonly seconds: number; readonly rowsPerSecond: number; readonly moveSeconds: number; readonly periods: number };
}

/** What the processor ran before partitions (migration 007's schema): one INSERT, unique on event_id. */
const insertBeforePartitions = (batch: readonly NewEvent[]) => sql.unsafe`
  INSERT INTO events (${newEventColumns}) SELECT * FROM unnest(${newEventArrays(batch)})
  ON CONFLICT (event_id) DO NOTHING RETURNING ${storedEventColumns}`;
/** The partitioned table's INSERT with nothing keeping event_id unique across partitions. */
const insertWithoutKeyTable = (batch: readonly NewEvent[]) => sql.unsafe`
  INSERT INTO events (${newEventColumns}) SELECT * FROM unnest(${newEventArrays(batch)})
  ON CONFLICT DO NOTHING RETURNING ${storedEventColumns}`;

interface Shape {
  readonly shape: StoreShape;
  readonly url: string;
  readonly db: Client;
  readonly pool: DatabasePool;
}

export async function measureStore(rows: number): Promise<StoreBench> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "fluxa-bench-store-"));
  chmodSync(dataDir, 0o755);
  const server = await startEmbeddedPostgres(dataDir);
  const shapes: Shape[] = [];
  try {
    const users = Math.max(10, Math.round(rows / 1000));
    const to = partitionOf(benchLayout.width, new Date()).from;
    const store: GeneratedStore = { rows, users, sources, from: new Date(to.getTime() - generatedDays * 86_400_000), to };
    const sides: Partial<Record<StoreShape, StoreSide>> = {};
    for (const shape of ["unpartitioned", "partitioned"] as const) shapes.push(await openShape(server.databaseUrl, shape));
    const generateSeconds: Partial<Record<StoreShape, number>> = {};
    for (const s of shapes) {
      const bar = progress(`store: ${rows} rows, ${s.shape}`);
      generateSeconds[s.shape] = (await timed(() => generateRows(s.db, s.pool, s.shape, store, (done) => bar.update(done, rows)))) / 1000;
      bar.done(`${round(generateSeconds[s.shape] ?? 0)} s`);
    }
    const [before, after] = shapes;
    const inserts = await measureBatchInserts(before, after, users);
    for (const s of shapes) {
      const listing = await measureListings(s.pool, store);
      sides[s.shape] = {
        generateSeconds: round(generateSeconds[s.shape] ?? 0),
        batchInsertMs: inserts[s.shape],
        ...listing,
        replayRowsPerSecond: await measureReplayScan(s.pool, store),
        retention: await measureRetention(s, store),
        erasure: await measureErasure(s.db),
      };
    }
    const migration = await measureMigration(before);
    return { rows, users, unpartitioned: sides.unpartitioned as StoreSide, partitioned: sides.partitioned as StoreSide, withoutKeyTableMs: inserts.withoutKeyTable, migration };
  } finally {
    for (const s of shapes) {
      await s.db.end().catch(() => undefined);
      await s.pool.end().catch(() => undefined);
    }
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function openShape(adminUrl: string, shape: StoreShape): Promise<Shape> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  const name = `store_${shape}`;
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();
  await migrateTo(shape, url);
  const db = new Client({ connectionString: url });
  await db.connect();
  await db.query("SET statement_timeout = 0");
  return { shape, url, db, pool: await createDatabasePool({ DATABASE_URL: url, DB_POOL_SIZE: "2" }) };
}

function freshBatch(size: number, users: number): NewEvent[] {
  return Array.from({ length: size }, (_, i) => {
    const base = newEvent(i);
    return { ...base, source: sources[i % sources.length], eventId: uuidv7(Date.now()), receivedAt: new Date().toISOString(), event: { ...base.event, user_id: `user-${Math.floor(Math.random() * users)}` } };
  });
}

/** Batches interleaved across the three statements, so the machine's load falls on each alike. */
async function measureBatchInserts(before: Shape, after: Shape, users: number) {
  const store = postgresEventRepository(after.pool);
  const runs = {
    unpartitioned: (batch: NewEvent[]) => before.pool.query(insertBeforePartitions(batch)),
    partitioned: (batch: NewEvent[]) => store.persist(batch),
    withoutKeyTable: (batch: NewEvent[]) => after.pool.query(insertWithoutKeyTable(batch)),
  };
  const result = { unpartitioned: {} as Record<string, number>, partitioned: {} as Record<string, number>, withoutKeyTable: {} as Record<string, number> };
  for (const size of batchSizes) {
    const samples = { unpartitioned: [] as number[], partitioned: [] as number[], withoutKeyTable: [] as number[] };
    const bar = progress(`store: batches of ${size}`);
    for (let n = -3; n < batchesPerSize[size]; n++) {
      for (const [name, run] of Object.entries(runs) as [keyof typeof runs, (batch: NewEvent[]) => Promise<unknown>][]) {
        const ms = await timed(() => run(freshBatch(size, users)));
        if (n >= 0) samples[name].push(ms);
      }
      bar.update(n + 4, batchesPerSize[size] + 3);
    }
    for (const name of Object.keys(samples) as (keyof typeof samples)[]) result[name][String(size)] = round(median(samples[name]), 2);
    bar.done(`medians ${result.unpartitioned[String(size)]} / ${result.partitioned[String(size)]} / ${result.withoutKeyTable[String(size)]} ms`);
  }
  return result;
}

async function measureListings(pool: DatabasePool, store: GeneratedStore) {
  const events = postgresEventRepository(pool);
  const day = new Date(store.from.getTime() + (generatedDays / 2) * 86_400_000);
  const window = { from: day.toISOString(), to: new Date(day.getTime() + 86_400_000).toISOString() };
  const whole: number[] = [];
  const windowed: number[] = [];
  for (let n = 0; n < listings; n++) {
    const query = { source: sources[n % sources.length], userId: `user-${(n * 7919) % store.users}`, limit: 50 };
    whole.push(await timed(() => events.list(query)));
    windowed.push(await timed(() => events.list({ ...query, ...window })));
  }
  const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
  return { listingP50Ms: round(percentile(sorted(whole), 50), 2), listingP95Ms: round(percentile(sorted(whole), 95), 2), windowListingP95Ms: round(percentile(sorted(windowed), 95), 2) };
}

/** Pages of the replay function's size through one day of every user's events, from its start. */
async function measureReplayScan(pool: DatabasePool, store: GeneratedStore): Promise<number> {
  const replays = postgresReplayStore(pool);
  const from = new Date(store.from.getTime() + 10 * 86_400_000);
  const selection = { from: from.toISOString(), to: new Date(from.getTime() + 86_400_000).toISOString(), userId: null, source: null, unpublishedOnly: false, fromArchive: false };
  let after: EventSortKey | null = null;
  let read = 0;
  const ms = await timed(async () => {
    while (read < replayRows) {
      const page = await replays.page(selection, after, 100);
      if (page.length === 0) break;
      read += page.length;
      after = page[page.length - 1].key;
    }
  });
  return Math.round(read / (ms / 1000));
}

/** The oldest day: DELETE of its rows from one table, or DETACH and DROP of its partition. */
async function measureRetention(s: Shape, store: GeneratedStore) {
  const day = partitionOf(benchLayout.width, store.from);
  const range = [day.from.toISOString(), day.to.toISOString()];
  const rows = Number((await s.db.query<{ n: string }>("SELECT count(*) AS n FROM events WHERE created_at >= $1 AND created_at < $2", range)).rows[0].n);
  if (s.shape === "unpartitioned") {
    const ms = await timed(() => s.db.query("DELETE FROM events WHERE created_at >= $1 AND created_at < $2", range));
    return { rows, ms: round(ms), how: "DELETE" };
  }
  const ms = await timed(async () => {
    await s.db.query(`ALTER TABLE events DETACH PARTITION ${day.name}`);
    await s.db.query(`DROP TABLE ${day.name}`);
  });
  return { rows, ms: round(ms), how: "DETACH + DROP" };
}

async function measureErasure(db: Client) {
  const samples: number[] = [];
  let rowsPerUser = 0;
  for (let n = 0; n < erasures; n++) {
    const ms = await timed(async () => {
      rowsPerUser = (await db.query("DELETE FROM events WHERE source = $1 AND user_id = $2", [sources[n], `user-${n + 1}`])).rowCount ?? 0;
    });
    samples.push(ms);
  }
  return { rowsPerUser, medianMs: round(median(samples), 1) };
}

/** Migration 008 on today's table as the bench left it: how long a deployed stack's upgrade holds its lock. */
async function measureMigration(before: Shape) {
  const rows = Number((await before.db.query<{ n: string }>("SELECT count(*) AS n FROM events")).rows[0].n);
  const seconds = (await timed(() => applyMigrations(before.url, path.join(__dirname, "..", "..", "migrations")))) / 1000;
  // 008 leaves every row in the default partition; the migrate function then moves them period by period.
  let periods = 0;
  const moveSeconds = (await timed(async () => (periods = (await ensureEventPartitions(before.pool, benchLayout, new Date())).length))) / 1000;
  return { rows, seconds: round(seconds), rowsPerSecond: Math.round(rows / seconds), moveSeconds: round(moveSeconds), periods };
}

export function formatStore(bench: StoreBench): string {
  const { unpartitioned: u, partitioned: p } = bench;
  const times = (a: number, b: number) => `${round(b / a, 2)}×`;
  const rows = [
    ...batchSizes.map((size) => {
      const key = String(size);
      return [`processor batch insert of ${size} (median ms)`, String(u.batchInsertMs[key]), String(p.batchInsertMs[key]), times(u.batchInsertMs[key], p.batchInsertMs[key])];
    }),
    ["a user's listing, newest 50 (p95 ms)", String(u.listingP95Ms), String(p.listingP95Ms), times(u.listingP95Ms, p.listingP95Ms)],
    ["a user's listing within one day (p95 ms)", String(u.windowListingP95Ms), String(p.windowListingP95Ms), times(u.windowListingP95Ms, p.windowListingP95Ms)],
    ["replay window scan (rows/s)", String(u.replayRowsPerSecond), String(p.replayRowsPerSecond), times(u.replayRowsPerSecond, p.replayRowsPerSecond)],
    [`retention of one day, ${p.retention.rows} rows (ms)`, `${u.retention.ms} (${u.retention.how})`, `${p.retention.ms} (${p.retention.how})`, times(u.retention.ms, p.retention.ms)],
    [`erasure of one user, ${p.erasure.rowsPerUser} rows (median ms)`, String(u.erasure.medianMs), String(p.erasure.medianMs), times(u.erasure.medianMs, p.erasure.medianMs)],
    ["rows generated in SQL (s)", String(u.generateSeconds), String(p.generateSeconds), times(u.generateSeconds, p.generateSeconds)],
  ];
  const keyTable = batchSizes.map((size) => {
    const key = String(size);
    const without = bench.withoutKeyTableMs[key];
    return [String(size), String(without), String(p.batchInsertMs[key]), `${round(p.batchInsertMs[key] - without, 2)} ms (${times(without, p.batchInsertMs[key])})`];
  });
  return [
    `### Store at ${bench.rows} rows (${bench.users} users, ${sources.length} sources, ${generatedDays} days, daily partitions)`,
    "",
    formatTable(["", "unpartitioned (007)", "partitioned (008)", "partitioned / unpartitioned"], rows),
    "",
    "### What event_keys costs per batch (partitioned table, median ms)",
    "",
    formatTable(["batch", "without event_keys", "with event_keys (persist)", "cost"], keyTable),
    "",
    `Migration 008 on the unpartitioned table's ${bench.migration.rows} rows: ${bench.migration.seconds} s (${bench.migration.rowsPerSecond} rows/s), writes held back throughout;`,
    `then moving them out of the default partition into ${bench.migration.periods} daily partitions: ${bench.migration.moveSeconds} s.`,
  ].join("\n");
}
