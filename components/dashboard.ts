import {
  awsMetrics,
  metricCatalogue,
  metricNames,
  metricNamespaces,
  sourceDimension,
  type AwsMetricSpec,
  type MetricName,
  type MetricService,
  type MetricSpec,
} from "../functions/shared/metric-catalogue";
import { functionNames } from "../functions/topology";
import type { ResourceNames } from "./names";

type Metric = (string | { readonly stat?: string; readonly label?: string })[];

interface Widget {
  readonly type: "metric" | "text";
  readonly width: number;
  readonly height: number;
  readonly properties: Record<string, unknown>;
}

function graph(title: string, region: string, metrics: Metric[], stat = "Sum"): Widget {
  return { type: "metric", width: 12, height: 6, properties: { title, region, metrics, stat, period: 60, view: "timeSeries" } };
}

/**
 * The CloudWatch dashboard body: every catalogued EMF metric (counts, latencies as p99, ages as
 * maximum), each source's accepted and rejected events, then the AWS service metrics behind them.
 */
export function dashboardBody(names: ResourceNames, region: string, dbInstanceIdentifier: string, sources: readonly string[]): { widgets: Widget[] } {
  const emf = (Object.keys(metricNamespaces) as MetricService[]).flatMap((service) => {
    const of = (unit: MetricSpec["unit"]) =>
      metricNames.filter((m) => metricCatalogue[m].service === service && metricCatalogue[m].unit === unit).map((m) => [metricNamespaces[service], m, "service", service]);
    const latencies = of("Milliseconds");
    const ages = of("Seconds");
    return [
      graph(`${service}: outcomes`, region, of("Count")),
      ...(latencies.length > 0 ? [graph(`${service}: latency p99 (ms)`, region, latencies, "p99")] : []),
      ...(ages.length > 0 ? [graph(`${service}: age (s, maximum)`, region, ages, "Maximum")] : []),
    ];
  });
  const lambda = (spec: AwsMetricSpec, stat: string) =>
    graph(`Lambda ${spec.name} (${stat})`, region, functionNames.map((fn) => [spec.namespace, spec.name, "FunctionName", names.function(fn), { label: fn }]), stat);
  const api = (spec: AwsMetricSpec, stat = "Sum") => [spec.namespace, spec.name, "ApiName", names.api, "Stage", names.apiStage, { stat }];
  const rds = (spec: AwsMetricSpec) => [spec.namespace, spec.name, "DBInstanceIdentifier", dbInstanceIdentifier];
  const queue = (spec: AwsMetricSpec, queueName: string, label?: string) => [spec.namespace, spec.name, "QueueName", queueName, ...(label ? [{ label }] : [])];
  const bySource = (metric: MetricName, outcome: string) =>
    sources.map((source) => [metricNamespaces.ingest, metric, "service", "ingest", sourceDimension, source, { label: `${source} ${outcome}` }]);
  return {
    widgets: [
      { type: "text", width: 24, height: 1, properties: { markdown: `# Fluxa ${names.api}` } },
      ...emf,
      graph("Events per source: accepted and rejected", region, [...bySource("ingest_success", "accepted"), ...bySource("ingest_failure", "rejected")]),
      lambda(awsMetrics.lambdaInvocations, "Sum"),
      lambda(awsMetrics.lambdaErrors, "Sum"),
      lambda(awsMetrics.lambdaThrottles, "Sum"),
      lambda(awsMetrics.lambdaDuration, "p99"),
      graph("API requests and errors", region, [api(awsMetrics.apiCount), api(awsMetrics.api4xx), api(awsMetrics.api5xx)]),
      graph("API latency p99 (ms)", region, [api(awsMetrics.apiLatency, "p99"), api(awsMetrics.apiIntegrationLatency, "p99")], "p99"),
      graph("Queue depth", region, [queue(awsMetrics.queueVisible, names.queue, "events"), queue(awsMetrics.queueVisible, names.deadLetterQueue, "dead letters")], "Maximum"),
      graph("Oldest queued event (s)", region, [queue(awsMetrics.queueOldestAge, names.queue), queue(awsMetrics.queueOldestAgeQuietGroups, names.queue, "quiet sources")], "Maximum"),
      graph("Fair queue: sources flooding it", region, [queue(awsMetrics.queueNoisyGroups, names.queue, "noisy groups")], "Maximum"),
      graph("Database CPU and connections", region, [rds(awsMetrics.dbCpu), rds(awsMetrics.dbConnections)], "Average"),
      graph("Database free storage (bytes)", region, [rds(awsMetrics.dbFreeStorage)], "Minimum"),
    ],
  };
}
