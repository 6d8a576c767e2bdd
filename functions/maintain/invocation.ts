import type { Logger } from "../shared/logger";
import { recordMetric, type MetricsRecorder } from "../shared/metrics";
import { runMaintenance } from "./core";
import type { MaintenancePorts, MaintenanceSettings } from "./ports";
import { decodeMaintainRequest, type MaintainResponse } from "./protocol";

export interface MaintainHandlerDeps {
  readonly ports: MaintenancePorts;
  readonly settings: MaintenanceSettings;
  readonly log: Logger;
  readonly metrics: MetricsRecorder;
}

/**
 * Invoked hourly by EventBridge Scheduler and on demand by `npm run maintain`. A bad request is
 * answered (`ok: false`); a failed run throws, so the function's Errors alarm counts it.
 */
export function createMaintainHandler({ ports, settings, log, metrics }: MaintainHandlerDeps) {
  return async function handler(event: unknown): Promise<MaintainResponse> {
    const decoded = decodeMaintainRequest(event);
    if (!decoded.ok) {
      log.info({ problem: decoded.problem }, "maintenance request refused");
      return decoded;
    }
    try {
      const report = await runMaintenance(ports, settings, decoded.request);
      if (!report.dryRun) {
        recordMetric(metrics, "partitions_created", report.partitionsCreated.length);
        recordMetric(metrics, "partitions_ahead", report.partitionsAhead);
        if (report.oldestPartition) recordMetric(metrics, "oldest_partition_age_days", report.oldestPartition.ageDays);
        recordMetric(metrics, "partitions_dropped", report.dropped.length);
        recordMetric(metrics, "rows_dropped", report.dropped.reduce((sum, p) => sum + p.rows, 0));
        recordMetric(metrics, "rows_archived", report.archived.reduce((sum, p) => sum + p.rows, 0));
        recordMetric(metrics, "partitions_blocked", report.kept.length);
      }
      log.info({ report }, report.dryRun ? "maintenance dry run" : "maintenance run");
      return { ok: true, report };
    } catch (error) {
      log.error({ err: error, dry_run: decoded.request.dryRun }, "maintenance run failed");
      throw error;
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}
