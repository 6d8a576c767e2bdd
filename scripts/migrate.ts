import * as path from "node:path";
import { connectionUrl, databaseLocationFromEnv } from "../functions/shared/database-location";
import { applyMigrations } from "../functions/shared/migrations";

/** `npm run migrate`: applies migrations/ to DATABASE_URL (or DB_HOST + DB_SECRET_ARN). */
async function main(): Promise<void> {
  const url = await connectionUrl(databaseLocationFromEnv(process.env));
  const applied = await applyMigrations(url, path.join(__dirname, "..", "migrations"));
  console.log(applied.length > 0 ? `applied: ${applied.join(", ")}` : "schema up to date");
}

main().catch((error: unknown) => {
  console.error(`migrate failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
