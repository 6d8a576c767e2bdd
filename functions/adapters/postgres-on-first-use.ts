import type { DatabasePool } from "slonik";
import { forwardedOnFirstUse } from "../shared/load-on-first-use";
import type { ErasureStore, EventRepository, ReplayStore } from "../shared/ports";
import { postgresErasureStore } from "./postgres-erasure-store";
import type { ArchivedEvent } from "../replay/archive-source";
import { erasedEventIds } from "./erasure-tombstone";
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

/** The erasure store over the environment's pool, once the pool is open. */
export function postgresErasureStoreOnFirstUse(pool: () => Promise<DatabasePool>): ErasureStore {
  return forwardedOnFirstUse(async () => postgresErasureStore(await pool()), { count: true, tombstone: true, payloadKeys: true, deleteEvents: true, finish: true, list: true });
}

/** The partition catalogue over the environment's pool, once the pool is open. */
export function postgresPartitionCatalogueOnFirstUse(pool: () => Promise<DatabasePool>): PartitionCatalogue {
  const methods = { list: true, createAhead: true, rowCount: true, unpublishedCount: true, rows: true, detachAndDrop: true } as const;
  return forwardedOnFirstUse(async () => postgresPartitionCatalogue(await pool()), methods);
}

/** Which archived events a user erasure covers (the tombstones of functions/adapters/erasure-tombstone.ts), once the pool is open. */
export function erasedArchivedEventIdsOnFirstUse(pool: () => Promise<DatabasePool>): (events: readonly ArchivedEvent[]) => Promise<ReadonlySet<string>> {
  return async (events) =>
    erasedEventIds(await pool(), events.map(({ event, receivedAt }) => ({ eventId: event.event_id, source: event.source, userId: event.user_id, receivedAt })));
}
