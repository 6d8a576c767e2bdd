import type { MaintenanceReport } from "../../functions/maintain/protocol";
import { maintenanceSchedule } from "../../functions/topology";

const listed = (names: readonly string[]) => (names.length === 0 ? "none" : names.join(", "));

/** The report as an operator reads it: what was done (or, in a dry run, would be), and what was kept and why. */
export function formatMaintenanceReport(report: MaintenanceReport): string[] {
  const verb = (done: string, would: string) => (report.dryRun ? would : done);
  const lines = [
    report.dryRun ? `dry run at ${report.now}: nothing changed` : `maintenance run at ${report.now}`,
    `partitions ${verb("created", "to create")}: ${listed(report.partitionsCreated)}; ${report.partitionsAhead} ahead of today`,
    `oldest partition: ${report.oldestPartition === null ? "none" : `${report.oldestPartition.name} (${report.oldestPartition.ageDays} days old)`}`,
    report.retentionCutoff === null
      ? `retention: off (stack config fluxa:${maintenanceSchedule.retentionDaysKey} unset): every partition is kept`
      : `retention: partitions wholly before ${report.retentionCutoff} expire`,
  ];
  for (const p of report.archived) lines.push(`  ${verb("archived", "would archive")} ${p.partition} (${p.rows} rows, ${p.files} file(s), ${p.manifestKey})`);
  for (const p of report.dropped) lines.push(`  ${verb("dropped", "would drop")} ${p.partition} [${p.from}, ${p.to}) (${p.rows} rows)`);
  for (const p of report.kept) lines.push(`  ${verb("kept", "would keep")} ${p.partition} (${p.rows} rows): ${p.detail}`);
  if (report.retentionCutoff !== null && report.dropped.length === 0 && report.kept.length === 0) lines.push("  no partition has expired");
  return lines;
}
