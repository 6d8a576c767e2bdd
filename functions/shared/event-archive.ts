import { gunzipSync, gzipSync } from "node:zlib";
import { archiveKeyPrefix } from "../topology";
import { sha256Hex } from "./hash";

/**
 * The archive of one dropped partition of `events`: its rows as gzipped JSON Lines, in files of at
 * most `maxArchiveFileRows` rows, each line one row as PostgreSQL's to_jsonb wrote it, in
 * (created_at, event_id) order; and a manifest naming the files with their row counts and SHA-256.
 */
export const archiveFormat = "fluxa-events-jsonl-gzip/1";

/** Rows per file: a file is built in memory, and a busy day is many files rather than one huge one. */
export const maxArchiveFileRows = 10_000;

/** One row as archived: every column of events; created_at keeps PostgreSQL's microseconds as text. */
export interface ArchivedRow {
  readonly event_id: string;
  readonly created_at: string;
  readonly [column: string]: unknown;
}

/** Where a row sorts: the replay cursor's key. */
export interface ArchiveRowKey {
  readonly createdAt: string;
  readonly eventId: string;
}

export interface ArchivedFile {
  readonly key: string;
  readonly rows: number;
  readonly bytes: number;
  /** Of the object as stored (gzipped). */
  readonly sha256: string;
  readonly first: ArchiveRowKey;
  readonly last: ArchiveRowKey;
}

export interface ArchiveManifest {
  readonly format: typeof archiveFormat;
  readonly partition: string;
  readonly from: string;
  readonly to: string;
  readonly rowCount: number;
  readonly files: readonly ArchivedFile[];
  readonly archivedAt: string;
}

export const archivePartitionPrefix = (partition: string) => `${archiveKeyPrefix}events/${partition}/`;
export const archiveManifestKey = (partition: string) => `${archivePartitionPrefix(partition)}manifest.json`;
export const archiveFileKey = (partition: string, index: number) => `${archivePartitionPrefix(partition)}part-${String(index).padStart(5, "0")}.jsonl.gz`;

export const rowKey = (row: ArchivedRow): ArchiveRowKey => ({ createdAt: row.created_at, eventId: row.event_id });

/** One file's object and its manifest entry. */
export function encodeArchiveFile(key: string, rows: readonly ArchivedRow[]): { body: Uint8Array; file: ArchivedFile } {
  if (rows.length === 0) throw new Error(`archive file ${key} would be empty`);
  const body = gzipSync(rows.map((row) => `${JSON.stringify(row)}\n`).join(""));
  return { body, file: { key, rows: rows.length, bytes: body.length, sha256: sha256Hex(body), first: rowKey(rows[0]), last: rowKey(rows[rows.length - 1]) } };
}

export function decodeArchiveFile(body: Uint8Array): ArchivedRow[] {
  const text = gunzipSync(body).toString("utf8");
  return text === "" ? [] : text.trimEnd().split("\n").map((line) => JSON.parse(line) as ArchivedRow);
}

/** Why a file read back is not the one the manifest names, or undefined when it is. */
export function archiveFileProblem(file: ArchivedFile, body: Uint8Array | undefined): string | undefined {
  if (body === undefined) return `${file.key} is missing`;
  const sha256 = sha256Hex(body);
  if (sha256 !== file.sha256) return `${file.key} has SHA-256 ${sha256}, the manifest says ${file.sha256}`;
  const rows = decodeArchiveFile(body).length;
  if (rows !== file.rows) return `${file.key} holds ${rows} rows, the manifest says ${file.rows}`;
  return undefined;
}
