import { archiveFormat, decodeArchiveFile, type ArchivedRow, type ArchiveManifest, type ArchiveRowKey } from "../shared/event-archive";
import { archiveKeyPrefix } from "../topology";
import type { EventSortKey, ReplaySelection, StoredEvent } from "../shared/ports";

/** What a replay reads of the archive: keys under a prefix, and objects. */
export interface ArchiveReader {
  list(prefix: string): Promise<string[]>;
  get(key: string): Promise<Uint8Array | undefined>;
}

/** An archived event, with what an erasure tombstone is matched on. */
export interface ArchivedEvent {
  readonly event: StoredEvent;
  readonly key: EventSortKey;
  readonly receivedAt: string;
}

/** The events of a replay window that dropped partitions held, read from their archive. */
export interface ArchiveSource {
  /** The manifests' row counts of the partitions the window touches: exact only when each lies wholly inside it and no user or source narrows it. */
  count(selection: ReplaySelection): Promise<{ readonly count: number; readonly estimated: boolean }>;
  page(selection: ReplaySelection, after: EventSortKey | null, limit: number): Promise<ArchivedEvent[]>;
}

// Microseconds since the epoch: archived created_at keeps PostgreSQL's six digits; Date keeps three.
function micros(instant: string): number {
  const fraction = /\.(\d+)/.exec(instant)?.[1] ?? "";
  return Date.parse(instant) * 1000 + Number(fraction.slice(3, 6).padEnd(3, "0"));
}
const compareKeys = (a: ArchiveRowKey, b: ArchiveRowKey) => micros(a.createdAt) - micros(b.createdAt) || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);

function toArchivedEvent(row: ArchivedRow): ArchivedEvent {
  const column = (name: string) => row[name];
  return {
    event: {
      event_id: row.event_id,
      source: String(column("source")),
      correlation_id: String(column("correlation_id")),
      user_id: String(column("user_id")),
      amount: Number(column("amount")),
      currency: String(column("currency")),
      merchant: String(column("merchant")),
      timestamp: new Date(String(column("event_timestamp"))).toISOString(),
      metadata: (column("metadata") ?? null) as StoredEvent["metadata"],
      payload_mode: column("payload_mode") as StoredEvent["payload_mode"],
      created_at: new Date(row.created_at).toISOString(),
    },
    key: { createdAt: row.created_at, eventId: row.event_id },
    receivedAt: String(column("received_at")),
  };
}

/**
 * Reads the manifests under archive/events/ (immutable once written, so kept for the life of the
 * execution environment) and, page by page, the files after the cursor; the last file read is kept
 * too, as consecutive pages mostly read the same one.
 */
export function archiveSource(reader: ArchiveReader): ArchiveSource {
  const manifests = new Map<string, ArchiveManifest>();
  let lastFile: { key: string; rows: ArchivedRow[] } | undefined;

  async function manifestsOf(selection: ReplaySelection): Promise<ArchiveManifest[]> {
    const keys = (await reader.list(`${archiveKeyPrefix}events/`)).filter((key) => key.endsWith("/manifest.json"));
    for (const key of keys) {
      if (manifests.has(key)) continue;
      const body = await reader.get(key);
      const manifest = body && (JSON.parse(new TextDecoder().decode(body)) as ArchiveManifest);
      if (manifest && manifest.format === archiveFormat) manifests.set(key, manifest);
    }
    const from = selection.from === null ? -Infinity : Date.parse(selection.from);
    const to = Date.parse(selection.to);
    return [...manifests.values()].filter((m) => Date.parse(m.to) > from && Date.parse(m.from) < to).sort((a, b) => Date.parse(a.from) - Date.parse(b.from));
  }

  async function rowsOf(key: string): Promise<ArchivedRow[]> {
    if (lastFile?.key !== key) {
      const body = await reader.get(key);
      if (body === undefined) throw new Error(`archive file ${key} is missing: its manifest names it`);
      lastFile = { key, rows: decodeArchiveFile(body) };
    }
    return lastFile.rows;
  }

  const selects = (selection: ReplaySelection) => {
    const from = selection.from === null ? -Infinity : micros(selection.from);
    const to = micros(selection.to);
    return (event: ArchivedEvent) => {
      const at = micros(event.key.createdAt);
      return at >= from && at < to && (selection.userId === null || event.event.user_id === selection.userId) && (selection.source === null || event.event.source === selection.source);
    };
  };

  return {
    async count(selection) {
      const touched = await manifestsOf(selection);
      const whole = (m: ArchiveManifest) => (selection.from === null || Date.parse(m.from) >= Date.parse(selection.from)) && Date.parse(m.to) <= Date.parse(selection.to);
      const exact = selection.userId === null && selection.source === null && touched.every(whole);
      return { count: touched.reduce((sum, m) => sum + m.rowCount, 0), estimated: !exact };
    },

    async page(selection, after, limit) {
      const wanted = selects(selection);
      const page: ArchivedEvent[] = [];
      for (const manifest of await manifestsOf(selection)) {
        for (const file of manifest.files) {
          if (after !== null && compareKeys(file.last, after) <= 0) continue;
          for (const row of await rowsOf(file.key)) {
            const event = toArchivedEvent(row);
            if ((after === null || compareKeys(event.key, after) > 0) && wanted(event)) page.push(event);
            if (page.length === limit) return page;
          }
        }
      }
      return page;
    },
  };
}
