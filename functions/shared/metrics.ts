import { Metrics } from "@aws-lambda-powertools/metrics";
import type { MetricUnit } from "@aws-lambda-powertools/metrics/types";
import { metricCatalogue, metricNamespaces, type MetricName, type MetricService } from "./metric-catalogue";

/** EMF metrics through Powertools: flushed as one log line per invocation, dimension `service`. */
export function createMetrics(service: MetricService): Metrics {
  return new Metrics({ namespace: metricNamespaces[service], serviceName: service });
}

/** What handlers use of Metrics, so tests can record what they emit. */
export interface MetricsRecorder {
  addMetric(name: MetricName, unit: MetricUnit, value: number): unknown;
  publishStoredMetrics(): void;
}

/** Records a catalogued metric with the catalogue's unit. */
export function recordMetric(metrics: MetricsRecorder, name: MetricName, value: number): void {
  metrics.addMetric(name, metricCatalogue[name].unit, value);
}
