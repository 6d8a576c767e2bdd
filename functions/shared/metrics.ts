import { Metrics } from "@aws-lambda-powertools/metrics";
import type { MetricUnit } from "@aws-lambda-powertools/metrics/types";
import { metricCatalogue, metricNamespaces, sourceDimension, type MetricName, type MetricService } from "./metric-catalogue";

export { sourceDimension };

/** EMF metrics through Powertools: flushed as one log line per invocation, dimension `service`. */
export function createMetrics(service: MetricService): Metrics {
  return new Metrics({ namespace: metricNamespaces[service], serviceName: service });
}

/** A metric published on its own, with dimensions of its own. */
export interface SingleMetricRecorder {
  addDimension(name: string, value: string): unknown;
  addMetric(name: MetricName, unit: MetricUnit, value: number): unknown;
}

/** What handlers use of Metrics, so tests can record what they emit. */
export interface MetricsRecorder {
  singleMetric(): SingleMetricRecorder;
  addMetric(name: MetricName, unit: MetricUnit, value: number): unknown;
  /** Adds a dimension set: the metrics recorded until the next publish are emitted under it as well. */
  addDimensions(dimensions: Readonly<Record<string, string>>): unknown;
  publishStoredMetrics(): void;
}

/** Records a catalogued metric once per source, under the source dimension (the function-wide total is recorded apart). */
export function recordPerSource(metrics: MetricsRecorder, name: MetricName, bySource: ReadonlyMap<string, number>): void {
  for (const [source, value] of bySource) {
    const single = metrics.singleMetric();
    single.addDimension(sourceDimension, source);
    single.addMetric(name, metricCatalogue[name].unit, value);
  }
}

/** Records a catalogued metric with the catalogue's unit. */
export function recordMetric(metrics: MetricsRecorder, name: MetricName, value: number): void {
  metrics.addMetric(name, metricCatalogue[name].unit, value);
}
