import { chmodSync, copyFileSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { sql, type DatabasePool } from "slonik";
import { postgresEventRepository } from "../../functions/adapters/postgres-event-repository";
import { createDatabasePool } from "../../functions/shared/database";
import type { EventRepository } from "../../functions/shared/ports";
import { applyMigrations } from "../../functions/shared/migrations";
import { startEmbeddedPostgres } from "../../scripts/local-stack/embedded-postgres";

export const migrationsDirectory = path.join(__dirname, "..", "..", "migrations");

/** A new directory holding migrations 001 through `last` only: the schema a stack deployed then has. The caller removes it. */
export function migrationsThrough(last: number): string {
  const dir = mkdtempSync(path.join(tmpdir(), "fluxa-migrations-"));
  for (const file of readdirSync(migrationsDirectory).filter((f) => Number(f.slice(0, 3)) <= last)) copyFileSync(path.join(migrationsDirectory, file), path.join(dir, file));
  return dir;
}

/** The migrations after `last`, in the order the runner applies them: what a stack deployed then applies next. */
export function migrationsAfter(last: number): string[] {
  return readdirSync(migrationsDirectory).filter((f) => f.endsWith(".sql") && Number(f.slice(0, 3)) > last).sort();
}

export interface TestDatabase {
  readonly url: string;
  readonly pool: DatabasePool;
  truncate(): Promise<void>;
  stop(): Promise<void>;
}

/** A throwaway embedded PostgreSQL with the real migrations applied. */
export async function startTestDatabase(): Promise<TestDatabase> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "fluxa-test-db-"));
  // mkdtemp makes the directory private to root; PostgreSQL runs as the postgres user.
  chmodSync(dataDir, 0o755);
  const server = await startEmbeddedPostgres(dataDir);
  await applyMigrations(server.databaseUrl, migrationsDirectory);
  // The functions' own pool settings (type parsers included), so the store is tested as it runs.
  const pool = await createDatabasePool({ DATABASE_URL: server.databaseUrl, DB_POOL_SIZE: "4" });
  return {
    url: server.databaseUrl,
    pool,
    truncate: async () => {
      await pool.query(sql.unsafe`TRUNCATE events, event_keys, outbox, idempotency_keys, replays, erasures`);
    },
    stop: async () => {
      await pool.end();
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Mocha hooks for a suite of the PostgreSQL store: one database for the suite, emptied before each
 * test. The fields are set once the suite's `before` hook has run.
 */
export function useTestStore(): { readonly db: TestDatabase; readonly store: EventRepository } {
  const suite = {} as { db: TestDatabase; store: EventRepository };
  before(async () => {
    suite.db = await startTestDatabase();
    suite.store = postgresEventRepository(suite.db.pool);
  });
  after(async () => suite.db?.stop());
  beforeEach(async () => suite.db.truncate());
  return suite;
}

/**
 * An event stored at `createdAt` as the processor stores one: its key, its row, and its outbox row
 * while it is unpublished.
 */
export async function storedAt(pool: DatabasePool, eventId: string, createdAt: string, { published = true, userId = "alice" } = {}): Promise<void> {
  await pool.query(sql.unsafe`
    WITH key AS (INSERT INTO event_keys (event_id, created_at) VALUES (${eventId}, ${createdAt}::timestamptz) RETURNING event_id, created_at),
    queued AS (INSERT INTO outbox (event_id, created_at) SELECT event_id, created_at FROM key WHERE NOT ${published})
    INSERT INTO events (event_id, correlation_id, user_id, amount, currency, merchant, event_timestamp, payload_mode, payload_sha256, received_at, created_at)
    SELECT event_id, 'c', ${userId}, 12.5, 'EUR', 'm', created_at, 'INLINE', repeat('a', 64), created_at, created_at FROM key`);
}
