import type { Logger } from "../shared/logger";
import { recordMetric, type MetricsRecorder } from "../shared/metrics";
import { handleReplay, type ReplayPorts, type ReplaySettings } from "./core";
import { decodeReplayRequest, type ReplayResponse } from "./protocol";

export interface ReplayHandlerDeps {
  readonly ports: ReplayPorts;
  readonly settings: ReplaySettings;
  readonly log: Logger;
  readonly metrics: MetricsRecorder;
}

/**
 * Invoked synchronously by `npm run replay`. A bad request is answered (`ok: false`), not thrown:
 * it is the caller's mistake, not a function error for the alarm to count.
 */
export function createReplayHandler({ ports, settings, log, metrics }: ReplayHandlerDeps) {
  return async function handler(event: unknown): Promise<ReplayResponse> {
    const decoded = decodeReplayRequest(event);
    if (!decoded.ok) return { ok: false, problem: decoded.problem };
    try {
      const response = await handleReplay(ports, settings, decoded.request);
      if (response.ok && "page" in response && response.page) {
        recordMetric(metrics, "replay_sent", response.page.sent);
        recordMetric(metrics, "replay_failed", response.page.failures.length);
      }
      if (!response.ok) log.info({ action: decoded.request.action, problem: response.problem }, "replay request refused");
      return response;
    } catch (error) {
      log.error({ err: error, action: decoded.request.action }, "replay invocation failed");
      throw error;
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}
