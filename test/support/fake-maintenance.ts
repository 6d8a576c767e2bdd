import type { ArchivedRow, ArchiveRowKey } from "../../functions/shared/event-archive";
import { partitionsThrough, type PartitionLayout } from "../../functions/shared/event-partitions";
import type { ArchiveStore, AttachedPartition, PartitionCatalogue } from "../../functions/maintain/ports";

interface FakePartition extends AttachedPartition {
  rows: (ArchivedRow & { published_at: string | null })[];
}

const after = (row: ArchivedRow, key: ArchiveRowKey | null) =>
  key === null || row.created_at > key.createdAt || (row.created_at === key.createdAt && row.event_id > key.eventId);

/** Partitions in memory, with the rows each holds; records what was dropped. */
export class FakePartitionCatalogue implements PartitionCatalogue {
  readonly partitions: FakePartition[] = [];
  readonly dropped: string[] = [];

  /** A partition of `[from, to)` holding `rows` rows created at `from` (the first `unpublished` of them never published). */
  add(name: string, from: string, to: string, rows = 0, unpublished = 0): void {
    const stored = Array.from({ length: rows }, (_, i) => ({
      event_id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
      created_at: from.replace(/\.\d+Z$|Z$/, `.${String(i).padStart(6, "0")}Z`),
      user_id: `user-${i}`,
      published_at: i < unpublished ? null : from,
    }));
    this.partitions.push({ name, from: new Date(from), to: new Date(to), rows: stored });
    this.partitions.sort((a, b) => a.from.getTime() - b.from.getTime());
  }

  list(): Promise<AttachedPartition[]> {
    return Promise.resolve(this.partitions.map(({ name, from, to }) => ({ name, from, to })));
  }
  createAhead(layout: PartitionLayout, now: Date): Promise<string[]> {
    const names = new Set(this.partitions.map((p) => p.name));
    const missing = partitionsThrough(layout, now).filter((range) => !names.has(range.name));
    for (const range of missing) this.add(range.name, range.from.toISOString(), range.to.toISOString());
    return Promise.resolve(missing.map((range) => range.name));
  }
  rowCount(partition: string): Promise<number> {
    return Promise.resolve(this.find(partition).rows.length);
  }
  unpublishedCount(partition: string): Promise<number> {
    return Promise.resolve(this.find(partition).rows.filter((row) => row.published_at === null).length);
  }
  rows(partition: string, key: ArchiveRowKey | null, limit: number): Promise<ArchivedRow[]> {
    return Promise.resolve(this.find(partition).rows.filter((row) => after(row, key)).slice(0, limit));
  }
  detachAndDrop(partition: string): Promise<number> {
    const found = this.find(partition);
    this.partitions.splice(this.partitions.indexOf(found), 1);
    this.dropped.push(partition);
    return Promise.resolve(found.rows.length);
  }
  private find(name: string): FakePartition {
    const found = this.partitions.find((p) => p.name === name);
    if (!found) throw new Error(`no partition ${name}`);
    return found;
  }
}

/** Objects in memory; `damaged` changes what a read of that key returns, as a damaged store would. */
export class FakeArchiveStore implements ArchiveStore {
  readonly objects = new Map<string, Uint8Array>();
  readonly damaged = new Map<string, (body: Uint8Array) => Uint8Array | undefined>();
  put(key: string, body: Uint8Array): Promise<void> {
    this.objects.set(key, body);
    return Promise.resolve();
  }
  list(prefix: string): Promise<string[]> {
    return Promise.resolve([...this.objects.keys()].filter((key) => key.startsWith(prefix)).sort());
  }
  get(key: string): Promise<Uint8Array | undefined> {
    const body = this.objects.get(key);
    const damage = this.damaged.get(key);
    return Promise.resolve(body !== undefined && damage ? damage(body) : body);
  }
}
