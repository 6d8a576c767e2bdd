import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";

export { MetricUnit };

/** EMF metrics through Powertools: flushed as one log line per invocation, dimension `service`. */
export function createMetrics(namespace: string, service: string): Metrics {
  return new Metrics({ namespace, serviceName: service });
}

export type { Metrics };
