import * as path from "node:path";
import { ensureEventPartitions } from "../functions/adapters/postgres-event-partitions";
import { createDatabasePool } from "../functions/shared/database";
import { connectionUrl, databaseLocationFromEnv } from "../functions/shared/database-location";
import { partitionLayoutFromEnv } from "../functions/shared/event-partitions";
import { applyMigrations } from "../functions/shared/migrations";

/**
 * `npm run migrate`: applies migrations/ to DATABASE_URL (or DB_HOST + DB_SECRET_ARN), then creates
 * the partitions of events as the migrate function does (PARTITION_WIDTH, PARTITIONS_AHEAD).
 */
async function main(): Promise<void> {
  const layout = partitionLayoutFromEnv(process.env);
  const url = await connectionUrl(databaseLocationFromEnv(process.env));
  const applied = await applyMigrations(url, path.join(__dirname, "..", "migrations"));
  console.log(applied.length > 0 ? `applied: ${applied.join(", ")}` : "schema up to date");
  const pool = await createDatabasePool({ ...process.env, DATABASE_URL: url });
  try {
    const created = await ensureEventPartitions(pool, layout, new Date());
    console.log(created.length > 0 ? `partitions created: ${created.join(", ")}` : "partitions up to date");
  } finally {
    await pool.end();
  }
}

main().catch((error: unknown) => {
  console.error(`migrate failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
