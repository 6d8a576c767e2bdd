import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { MetricUnit as MetricUnitName } from "@aws-lambda-powertools/metrics/types";

export { MetricUnit };

/** EMF metrics through Powertools: flushed as one log line per invocation, dimension `service`. */
export function createMetrics(namespace: string, service: string): Metrics {
  return new Metrics({ namespace, serviceName: service });
}

/** What handlers use of Metrics, so tests can record what they emit. */
export interface MetricsRecorder {
  addMetric(name: string, unit: MetricUnitName, value: number): unknown;
  publishStoredMetrics(): void;
}
