import type { DatabasePool } from "slonik";
import { forwardedOnFirstUse } from "../shared/load-on-first-use";
import type { EventRepository, ReplayStore } from "../shared/ports";
import type { PartitionCatalogue } from "../maintain/ports";
import { postgresEventRepository } from "./postgres-event-repository";
import { postgresPartitionCatalogue } from "./postgres-partition-catalogue";
import { postgresReplayStore } from "./postgres-replay-store";

/*
 * The one way a function reaches PostgreSQL: its stores are built at cold start over the
 * environment's pool (lazyDatabasePool) and wait for it on their first call. slonik opens a pool's
 * first connection when it is created, so a pool created while PostgreSQL is down fails, and with
 * it each call, alone: the function still starts, and the next call tries again.
 */

/** The event repository over the environment's pool, once the pool is open. */
export function postgresEventRepositoryOnFirstUse(pool: () => Promise<DatabasePool>): EventRepository {
  const methods = { persist: true, markPublished: true, findById: true, list: true, findMetadata: true } as const;
  return forwardedOnFirstUse(async () => postgresEventRepository(await pool()), methods);
}

/** The replay store over the environment's pool, once the pool is open. */
export function postgresReplayStoreOnFirstUse(pool: () => Promise<DatabasePool>): ReplayStore {
  return forwardedOnFirstUse(async () => postgresReplayStore(await pool()), { count: true, create: true, find: true, page: true, advance: true });
}

/** The partition catalogue over the environment's pool, once the pool is open. */
export function postgresPartitionCatalogueOnFirstUse(pool: () => Promise<DatabasePool>): PartitionCatalogue {
  const methods = { list: true, createAhead: true, rowCount: true, unpublishedCount: true, rows: true, detachAndDrop: true } as const;
  return forwardedOnFirstUse(async () => postgresPartitionCatalogue(await pool()), methods);
}
