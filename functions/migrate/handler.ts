import * as path from "node:path";
import { ensureEventPartitions } from "../adapters/postgres-event-partitions";
import { createDatabasePool } from "../shared/database";
import { connectionUrl, databaseLocationFromEnv } from "../shared/database-location";
import { partitionLayoutFromEnv } from "../shared/event-partitions";
import { createLogger } from "../shared/logger";
import { applyMigrations } from "../shared/migrations";

const env = process.env;
const location = databaseLocationFromEnv(env);
const layout = partitionLayoutFromEnv(env);
const log = createLogger("migrate", env);
// The bundler copies migrations/ next to the bundle under this name (see bundling/function-bundles.ts).
const migrationsDirectory = path.join(__dirname, "schema-migrations");

/**
 * Invoked by `pulumi up` (and the local stack at start) with any payload; safe to run again. After
 * the schema, it creates the partitions of events ahead of time (and of rows waiting in the default one).
 */
export async function handler(): Promise<{ applied: string[]; partitionsCreated: string[] }> {
  const applied = await applyMigrations(await connectionUrl(location), migrationsDirectory);
  log.info({ applied }, applied.length > 0 ? "migrations applied" : "schema up to date");
  const pool = await createDatabasePool(env);
  try {
    const partitionsCreated = await ensureEventPartitions(pool, layout, new Date());
    log.info({ partitionsCreated, layout }, "event partitions ensured");
    return { applied, partitionsCreated };
  } finally {
    await pool.end();
  }
}
