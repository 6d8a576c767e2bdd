import * as path from "node:path";
import { connectionUrl, databaseLocationFromEnv } from "../shared/database-location";
import { createLogger } from "../shared/logger";
import { applyMigrations } from "../shared/migrations";

const env = process.env;
const location = databaseLocationFromEnv(env);
const log = createLogger("migrate", env);
// The bundler copies migrations/ next to the bundle under this name (see bundling/function-bundles.ts).
const migrationsDirectory = path.join(__dirname, "schema-migrations");

/** Invoked by `pulumi up` (and the local stack) with any payload; safe to run again. */
export async function handler(): Promise<{ applied: string[] }> {
  const applied = await applyMigrations(await connectionUrl(location), migrationsDirectory);
  log.info({ applied }, applied.length > 0 ? "migrations applied" : "schema up to date");
  return { applied };
}
