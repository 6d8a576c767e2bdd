import { postgresEventRepositoryOnFirstUse } from "../adapters/postgres-on-first-use";
import { lazyDatabasePool } from "../shared/database";
import { byResource } from "../shared/http";
import { randomIds } from "../shared/ids";
import { createLogger } from "../shared/logger";
import { createMetrics } from "../shared/metrics";
import { sourceDirectoryFromEnv } from "../shared/sources";
import { envNames } from "../topology";
import { createQueryHandler } from "./get-event";
import { createListHandler } from "./list-events";

const env = process.env;
const pool = lazyDatabasePool(env);

const deps = {
  ports: { events: postgresEventRepositoryOnFirstUse(pool) },
  ids: randomIds(),
  log: createLogger("query", env),
  metrics: createMetrics("query"),
  sources: sourceDirectoryFromEnv(env, envNames.sourceKeys),
};

export const handler = byResource({
  "/events": createListHandler(deps),
  "/events/{id}": createQueryHandler(deps),
});
