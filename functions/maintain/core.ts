import {
  archiveFileKey,
  archiveFileProblem,
  archiveFormat,
  archiveManifestKey,
  encodeArchiveFile,
  rowKey,
  type ArchivedFile,
  type ArchiveManifest,
} from "../shared/event-archive";
import { partitionOf, partitionsThrough } from "../shared/event-partitions";
import type { AttachedPartition, MaintenancePorts, MaintenanceSettings } from "./ports";
import type { ExpiredPartition, MaintainRequest, MaintenanceReport } from "./protocol";

const day = 86_400_000;

type Kept = MaintenanceReport["kept"][number];
type Archived = MaintenanceReport["archived"][number];

/**
 * One maintenance run: partitions ahead, then retention. An expired partition (its whole range
 * older than now − retentionDays) is dropped whole, never row by row, and only once its outbox is
 * settled and, with archive on, its archive is read back and matches. Anything else keeps it for the
 * next run, reported under `kept`.
 */
export async function runMaintenance(ports: MaintenancePorts, settings: MaintenanceSettings, request: MaintainRequest): Promise<MaintenanceReport> {
  const now = ports.clock.now();
  const before = await ports.partitions.list();
  const partitionsCreated = request.dryRun ? missingAhead(settings, before, now) : await ports.partitions.createAhead(settings.layout, now);
  const cutoff = settings.retentionDays === undefined ? null : new Date(now.getTime() - settings.retentionDays * day);
  const expired = cutoff === null ? [] : before.filter((partition) => partition.to <= cutoff);

  const archived: Archived[] = [];
  const dropped: ExpiredPartition[] = [];
  const kept: Kept[] = [];
  for (const partition of expired) {
    const outcome = await retire(ports, settings, partition, request.dryRun);
    if ("reason" in outcome) kept.push(outcome);
    else {
      if (outcome.archived) archived.push(outcome.archived);
      dropped.push(outcome.dropped);
    }
  }

  const goneNames = new Set(request.dryRun ? dropped.map((p) => p.partition) : []);
  const after = request.dryRun ? before.filter((p) => !goneNames.has(p.name)) : await ports.partitions.list();
  // Partition names sort as their ranges do (events_pYYYYMMDD).
  const current = partitionOf(settings.layout.width, now).name;
  const names = new Set([...after.map((p) => p.name), ...(request.dryRun ? partitionsCreated : [])]);
  const oldest = after.at(0);
  return {
    dryRun: request.dryRun,
    now: now.toISOString(),
    partitionsCreated,
    partitionsAhead: [...names].filter((name) => name > current).length,
    oldestPartition: oldest === undefined ? null : { name: oldest.name, ageDays: Math.floor((now.getTime() - oldest.from.getTime()) / day) },
    retentionCutoff: cutoff?.toISOString() ?? null,
    archived,
    dropped,
    kept,
  };
}

/** The partitions a run would create: those of the layout's window that do not exist. */
function missingAhead(settings: MaintenanceSettings, existing: readonly AttachedPartition[], now: Date): string[] {
  const names = new Set(existing.map((p) => p.name));
  return partitionsThrough(settings.layout, now).map((range) => range.name).filter((name) => !names.has(name));
}

async function retire(
  ports: MaintenancePorts,
  settings: MaintenanceSettings,
  partition: AttachedPartition,
  dryRun: boolean,
): Promise<Kept | { archived?: Archived; dropped: ExpiredPartition }> {
  const { partitions, log } = ports;
  const described: ExpiredPartition = { partition: partition.name, from: partition.from.toISOString(), to: partition.to.toISOString(), rows: await partitions.rowCount(partition.name) };
  const unpublished = await partitions.unpublishedCount(partition.name);
  if (unpublished > 0) {
    const detail = `${unpublished} event(s) SNS never confirmed: run npm run replay -- --unpublished, then maintenance again`;
    log.warn({ partition: partition.name, unpublished }, "expired partition kept: its outbox is not settled");
    return { ...described, reason: "unpublished", detail };
  }
  if (dryRun) return { dropped: described, ...(settings.archive ? { archived: { ...described, manifestKey: archiveManifestKey(partition.name), files: Math.ceil(described.rows / settings.archiveFileRows) } } : {}) };

  let archived: Archived | undefined;
  if (settings.archive) {
    const manifest = await writeArchive(ports, settings, partition, ports.clock.now());
    const problem = await verifyArchive(ports, manifest, described.rows);
    if (problem !== undefined) {
      log.error({ partition: partition.name, problem }, "expired partition kept: its archive did not verify");
      return { ...described, reason: "archive-unverified", detail: problem };
    }
    archived = { ...described, manifestKey: archiveManifestKey(partition.name), files: manifest.files.length };
    log.info({ partition: partition.name, rows: manifest.rowCount, files: manifest.files.length }, "partition archived and verified");
  }
  const rows = await partitions.detachAndDrop(partition.name);
  log.info({ partition: partition.name, rows }, "expired partition dropped");
  return { archived, dropped: { ...described, rows } };
}

/** Writes the files, then the manifest last: a manifest exists only for an archive whose files were all written. */
async function writeArchive(ports: MaintenancePorts, settings: MaintenanceSettings, partition: AttachedPartition, at: Date): Promise<ArchiveManifest> {
  const files: ArchivedFile[] = [];
  for (let after = null, rows = await ports.partitions.rows(partition.name, null, settings.archiveFileRows); rows.length > 0; ) {
    const { body, file } = encodeArchiveFile(archiveFileKey(partition.name, files.length), rows);
    await ports.archive.put(file.key, body, "application/gzip");
    files.push(file);
    after = rowKey(rows[rows.length - 1]);
    rows = await ports.partitions.rows(partition.name, after, settings.archiveFileRows);
  }
  const manifest: ArchiveManifest = {
    format: archiveFormat,
    partition: partition.name,
    from: partition.from.toISOString(),
    to: partition.to.toISOString(),
    rowCount: files.reduce((sum, file) => sum + file.rows, 0),
    files,
    archivedAt: at.toISOString(),
  };
  await ports.archive.put(archiveManifestKey(partition.name), new TextEncoder().encode(JSON.stringify(manifest, null, 2)), "application/json");
  return manifest;
}

/** Reads the manifest and every file back from the store: what a restore would read, not what was sent. */
async function verifyArchive(ports: MaintenancePorts, written: ArchiveManifest, rowsInPartition: number): Promise<string | undefined> {
  const stored = await ports.archive.get(archiveManifestKey(written.partition));
  if (stored === undefined) return `${archiveManifestKey(written.partition)} is missing`;
  const manifest = JSON.parse(new TextDecoder().decode(stored)) as ArchiveManifest;
  if (manifest.rowCount !== rowsInPartition) return `the manifest counts ${manifest.rowCount} rows, the partition holds ${rowsInPartition}`;
  for (const file of manifest.files) {
    const problem = archiveFileProblem(file, await ports.archive.get(file.key));
    if (problem !== undefined) return problem;
  }
  return undefined;
}
