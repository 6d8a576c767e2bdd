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

// Powertools builds a whole Metrics object (a Console of its own among it) on each singleMetric(), 0.3 ms
// of every processor batch in its CPU profile. One is kept per source and recorder instead: a single
// metric is written as soon as it is added, and that clears the dimension added for it, not the
// defaults. The cap keeps a flood of unknown source names from growing the cache.
const singlesBySource = new WeakMap<MetricsRecorder, Map<string, SingleMetricRecorder>>();
const maxCachedSources = 100;

function singleMetricFor(metrics: MetricsRecorder, source: string): SingleMetricRecorder {
  let singles = singlesBySource.get(metrics);
  if (!singles) singlesBySource.set(metrics, (singles = new Map<string, SingleMetricRecorder>()));
  const cached = singles.get(source);
  if (cached) return cached;
  const single = metrics.singleMetric();
  if (singles.size < maxCachedSources) singles.set(source, single);
  return single;
}

/** Records a catalogued metric once per source, under the source dimension (the function-wide total is recorded apart). */
export function recordPerSource(metrics: MetricsRecorder, name: MetricName, bySource: ReadonlyMap<string, number>): void {
  for (const [source, value] of bySource) {
    const single = singleMetricFor(metrics, source);
    single.addDimension(sourceDimension, source);
    single.addMetric(name, metricCatalogue[name].unit, value);
  }
}

/** Records a catalogued metric with the catalogue's unit. */
export function recordMetric(metrics: MetricsRecorder, name: MetricName, value: number): void {
  metrics.addMetric(name, metricCatalogue[name].unit, value);
}
