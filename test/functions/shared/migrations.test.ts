import { expect } from "chai";
import { chmodSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Client } from "pg";
import { ensureEventPartitions } from "../../../functions/adapters/postgres-event-partitions";
import { createDatabasePool } from "../../../functions/shared/database";
import { applyMigrations, statementsOf } from "../../../functions/shared/migrations";
import { startEmbeddedPostgres } from "../../../scripts/local-stack/embedded-postgres";
import { migrationsAfter, migrationsDirectory, migrationsThrough } from "../../support/database";

const copies: string[] = [];
after(() => {
  for (const dir of copies.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** migrationsThrough, removed after the file's tests. */
function schemaThrough(last: number): string {
  const dir = migrationsThrough(last);
  copies.push(dir);
  return dir;
}

describe("migration 006: events carry their source (embedded PostgreSQL)", function () {
  this.timeout(120_000);
  let dataDir: string;
  let server: Awaited<ReturnType<typeof startEmbeddedPostgres>>;
  let client: Client;
  const one = async <T>(text: string): Promise<T> => (await client.query(text)).rows[0] as T;

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "fluxa-test-db-"));
    chmodSync(dataDir, 0o755);
    server = await startEmbeddedPostgres(dataDir);
    // The schema as deployed before sources: migrations 001-005 only.
    await applyMigrations(server.databaseUrl, schemaThrough(5));
    client = new Client({ connectionString: server.databaseUrl });
    await client.connect();
    await client.query(`
      INSERT INTO events (event_id, correlation_id, user_id, amount, currency, merchant, event_timestamp, payload_mode, payload_sha256, received_at)
      VALUES ('00000000-0000-7000-8000-000000000001', 'c', 'alice', 1, 'EUR', 'm', now(), 'INLINE', repeat('a', 64), now())`);
  });

  after(async () => {
    await client?.end();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("gives earlier rows the default source without rewriting the table, and builds a valid index outside a transaction", async () => {
    const fileBefore = await one<{ relfilenode: number }>("SELECT relfilenode FROM pg_class WHERE relname = 'events'");
    const after005 = readdirSync(migrationsDirectory).filter((f) => f.endsWith(".sql") && !/^00[1-5]_/.test(f)).sort();
    expect(after005[0]).to.equal("006_add_events_source.sql");
    // Through 007 first: 008 replaces the table with a partitioned one on purpose.
    expect(await applyMigrations(server.databaseUrl, schemaThrough(7))).to.deep.equal(after005.filter((f) => /^00[67]_/.test(f)));
    // A rewrite (a volatile default, or a constraint checked row by row) gives the table a new file.
    expect(await one("SELECT relfilenode FROM pg_class WHERE relname = 'events'")).to.deep.equal(fileBefore);
    expect(await applyMigrations(server.databaseUrl, migrationsDirectory)).to.deep.equal(after005.filter((f) => !/^00[67]_/.test(f)));
    expect(await one("SELECT source FROM events")).to.deep.equal({ source: "default" });
    const index = await one<{ indisvalid: boolean; definition: string }>(`
      SELECT i.indisvalid, pg_get_indexdef(i.indexrelid) AS definition FROM pg_index i
      JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'events_source_user_id_created_at_event_id_idx'`);
    expect(index.indisvalid).to.equal(true);
    expect(index.definition).to.contain("(source, user_id, created_at DESC, event_id DESC)");
    expect(await applyMigrations(server.databaseUrl, migrationsDirectory), "applied once").to.deep.equal([]);
  });

  it("sends a no-transaction file statement by statement, leaving out comment-only pieces", () => {
    const text = "-- postgres-migrations disable-transaction\n-- why\nSET lock_timeout = '5s';\nCREATE INDEX CONCURRENTLY i ON t (a);\n-- the end\n";
    expect(statementsOf(text)).to.deep.equal(["-- postgres-migrations disable-transaction\n-- why\nSET lock_timeout = '5s'", "CREATE INDEX CONCURRENTLY i ON t (a)"]);
  });
});

describe("migrations 008 and 011: events becomes partitioned and its outbox a table, on a table with rows (embedded PostgreSQL)", function () {
  this.timeout(120_000);
  let dataDir: string;
  let server: Awaited<ReturnType<typeof startEmbeddedPostgres>>;
  let client: Client;
  const rows = async (text: string): Promise<unknown[]> => (await client.query<Record<string, unknown>>(text)).rows;
  // Every column of every row but the outbox's (migration 011 moves it to its own table), in one comparable form.
  const everyEvent = () => rows("SELECT to_jsonb(e) - 'tableoid' - 'published_at' AS row FROM events e ORDER BY event_id");
  const outboxOf = (where: string) => rows(`SELECT event_id, created_at FROM ${where} ORDER BY event_id`);

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "fluxa-test-db-"));
    chmodSync(dataDir, 0o755);
    server = await startEmbeddedPostgres(dataDir);
    // A local .fluxa/ of the version before partitions: migrations 001-007 and events over three months.
    await applyMigrations(server.databaseUrl, schemaThrough(7));
    client = new Client({ connectionString: server.databaseUrl });
    await client.connect();
    await client.query(`
      INSERT INTO events (event_id, source, correlation_id, user_id, amount, currency, merchant, event_timestamp, metadata, metadata_escaped_bytes,
                          payload_mode, payload_sha256, payload_key, received_at, created_at, published_at)
      SELECT md5(i::text)::uuid, (ARRAY['default', 'web'])[1 + i % 2], 'c-' || i, 'user-' || (i % 7), i / 3.0, 'EUR', 'm', '2024-01-01Z'::timestamptz + i * interval '1 hour',
             CASE WHEN i % 3 = 0 THEN jsonb_build_object('n', i) END, CASE WHEN i % 3 = 0 THEN 10 END,
             CASE WHEN i % 5 = 0 THEN 'S3' ELSE 'INLINE' END, repeat('a', 64), CASE WHEN i % 5 = 0 THEN 'raw/2024-01-01/' || i || '.json' END,
             '2024-01-01Z'::timestamptz + i * interval '1 hour', '2024-01-01Z'::timestamptz + i * interval '1 hour 17 minutes 1.000001 seconds',
             CASE WHEN i % 4 = 0 THEN NULL ELSE now() END
      FROM generate_series(1, 2000) AS i`);
    // The seed wrote idempotency_keys beside each event; a stack that ran it still has them.
    await client.query("INSERT INTO idempotency_keys (event_id, payload_sha256) SELECT event_id, payload_sha256 FROM events WHERE user_id = 'user-3'");
  });

  after(async () => {
    await client?.end();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("keeps every row and column, the unpublished ones in the outbox, and the seed's idempotency keys, then moves them into their partitions", async () => {
    const before = await everyEvent();
    const unpublished = await outboxOf("events WHERE published_at IS NULL");
    expect(unpublished).to.have.length(500);
    const keysBefore = await rows("SELECT * FROM idempotency_keys ORDER BY event_id");
    expect(before).to.have.length(2000);
    expect(await applyMigrations(server.databaseUrl, migrationsDirectory)).to.deep.equal(migrationsAfter(7));
    expect(await rows("SELECT relkind FROM pg_class WHERE relname = 'events'")).to.deep.equal([{ relkind: "p" }]);
    expect(await everyEvent()).to.deep.equal(before);
    expect(await rows("SELECT * FROM idempotency_keys ORDER BY event_id")).to.deep.equal(keysBefore);
    expect(await rows("SELECT count(*)::int AS n FROM event_keys k JOIN events e USING (event_id, created_at)")).to.deep.equal([{ n: 2000 }]);

    const pool = await createDatabasePool({ DATABASE_URL: server.databaseUrl, DB_POOL_SIZE: "1" });
    try {
      const created = await ensureEventPartitions(pool, { width: "month", ahead: 1 }, new Date());
      expect(created.slice(0, 5)).to.deep.equal(["events_p20240101", "events_p20240201", "events_p20240301", "events_p20240401", "events_p20240501"]);
    } finally {
      await pool.end();
    }
    expect(await rows("SELECT count(*)::int AS n FROM events_default")).to.deep.equal([{ n: 0 }]);
    expect(await everyEvent()).to.deep.equal(before);
    expect(await outboxOf("outbox")).to.deep.equal(unpublished);
    expect(await rows("SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'events' AND column_name = 'published_at'")).to.deep.equal([{ n: 0 }]);
    // The source's index reaches every partition, present and future.
    const indexes = await rows(`
      SELECT count(*)::int AS n FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'events_source_user_id_created_at_event_id_idx'::regclass`);
    expect(indexes).to.deep.equal(await rows("SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = 'events'::regclass"));
    expect(await applyMigrations(server.databaseUrl, migrationsDirectory), "applied once").to.deep.equal([]);
  });
});

