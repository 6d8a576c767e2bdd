import { expect } from "chai";
import { chmodSync, copyFileSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Client } from "pg";
import { applyMigrations, statementsOf } from "../../../functions/shared/migrations";
import { startEmbeddedPostgres } from "../../../scripts/local-stack/embedded-postgres";
import { migrationsDirectory } from "../../support/database";

describe("migration 006: events carry their source (embedded PostgreSQL)", function () {
  this.timeout(120_000);
  let dataDir: string;
  let before005: string;
  let server: Awaited<ReturnType<typeof startEmbeddedPostgres>>;
  let client: Client;
  const one = async <T>(text: string): Promise<T> => (await client.query(text)).rows[0] as T;

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "fluxa-test-db-"));
    chmodSync(dataDir, 0o755);
    server = await startEmbeddedPostgres(dataDir);
    // The schema as deployed before sources: migrations 001-005 only.
    before005 = mkdtempSync(path.join(tmpdir(), "fluxa-migrations-"));
    for (const file of readdirSync(migrationsDirectory).filter((f) => /^00[1-5]_/.test(f))) copyFileSync(path.join(migrationsDirectory, file), path.join(before005, file));
    await applyMigrations(server.databaseUrl, before005);
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
    rmSync(before005, { recursive: true, force: true });
  });

  it("gives earlier rows the default source without rewriting the table, and builds a valid index outside a transaction", async () => {
    const fileBefore = await one<{ relfilenode: number }>("SELECT relfilenode FROM pg_class WHERE relname = 'events'");
    const after005 = readdirSync(migrationsDirectory).filter((f) => f.endsWith(".sql") && !/^00[1-5]_/.test(f)).sort();
    expect(after005[0]).to.equal("006_add_events_source.sql");
    expect(await applyMigrations(server.databaseUrl, migrationsDirectory)).to.deep.equal(after005);
    // A rewrite (a volatile default, or a constraint checked row by row) gives the table a new file.
    expect(await one("SELECT relfilenode FROM pg_class WHERE relname = 'events'")).to.deep.equal(fileBefore);
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
