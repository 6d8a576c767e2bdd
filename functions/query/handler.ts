import { postgresEventStore } from "../adapters/postgres-event-store";
import { lazyDatabasePool } from "../shared/database";
import { randomIds } from "../shared/ids";
import { createLogger } from "../shared/logger";
import { createMetrics } from "../shared/metrics";
import { createQueryHandler } from "./http-handler";

const env = process.env;
const pool = lazyDatabasePool(env);

export const handler = createQueryHandler({
  events: async () => postgresEventStore(await pool()),
  ids: randomIds(),
  log: createLogger("query", env),
  metrics: createMetrics("Fluxa/Query", "query"),
});
