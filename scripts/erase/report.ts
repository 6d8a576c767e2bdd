import type { ErasureRecord } from "../../functions/shared/ports";
import { formatTable } from "../lib/table";

const sourceText = (source: string | null) => source ?? "(every source)";
const countText = (record: ErasureRecord, count: "rows" | "payloads") => (record.erased === null ? "-" : String(record.erased[count]));

/** Erasures as the CLI prints them: no user id, only its SHA-256. */
export function erasureTable(records: readonly ErasureRecord[]): string {
  return formatTable(
    ["erasure", "user id sha256", "source", "rows", "payloads", "erased at", "finished at", "requested by"],
    records.map((r) => [r.erasureId, r.userIdSha256, sourceText(r.source), countText(r, "rows"), countText(r, "payloads"), r.erasedAt, r.finishedAt ?? "unfinished: run it again", r.requestedBy]),
  );
}

export function dryRunText(dryRun: { readonly rows: number; readonly payloads: number; readonly userIdSha256: string; readonly source: string | null }): string {
  return `dry run: would erase ${dryRun.rows} event(s) and ${dryRun.payloads} S3 payload(s) of user sha256 ${dryRun.userIdSha256} in ${sourceText(dryRun.source)}; nothing changed`;
}
