import type { ArchivedRow, ArchiveRowKey } from "../shared/event-archive";
import type { PartitionLayout } from "../shared/event-partitions";
import type { Clock, Log } from "../shared/ports";

/** A range partition of events: `[from, to)` of created_at. */
export interface AttachedPartition {
  readonly name: string;
  readonly from: Date;
  readonly to: Date;
}

/** The partitions of events, as PostgreSQL holds them. */
export interface PartitionCatalogue {
  /** The attached range partitions (not the default one), oldest first. */
  list(): Promise<AttachedPartition[]>;
  /** Creates the missing partitions through `layout.ahead` past now; returns their names. */
  createAhead(layout: PartitionLayout, now: Date): Promise<string[]>;
  rowCount(partition: string): Promise<number>;
  /** Rows whose event SNS never confirmed (still in the outbox): the outbox is not settled while any remain. */
  unpublishedCount(partition: string): Promise<number>;
  /** Rows in (created_at, event_id) order after `after`, at most `limit`. */
  rows(partition: string, after: ArchiveRowKey | null, limit: number): Promise<ArchivedRow[]>;
  /** Detaches and drops the partition whole; returns the rows it held. */
  detachAndDrop(partition: string): Promise<number>;
}

/** Objects under the archive prefix. */
export interface ArchiveStore {
  put(key: string, body: Uint8Array, contentType: string): Promise<void>;
  /** The object's bytes, or undefined when it does not exist. */
  get(key: string): Promise<Uint8Array | undefined>;
}

export interface MaintenancePorts {
  readonly partitions: PartitionCatalogue;
  readonly archive: ArchiveStore;
  readonly clock: Clock;
  readonly log: Log;
}

export interface MaintenanceSettings {
  readonly layout: PartitionLayout;
  /** Undefined: events are kept forever. */
  readonly retentionDays: number | undefined;
  readonly archive: boolean;
  /** Rows per archive file. */
  readonly archiveFileRows: number;
}
