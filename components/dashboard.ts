import { functionNames, type FunctionName } from "../functions/topology";
import type { ResourceNames } from "./names";

/** The functions' EMF metrics (dimension `service` = function name), as the seed emits them. */
export const emfMetrics: Readonly<Partial<Record<FunctionName, { readonly namespace: string; readonly counts: readonly string[]; readonly latencies: readonly string[] }>>> = {
  ingest: { namespace: "Fluxa/Ingest", counts: ["ingest_success", "ingest_failure", "s3_puts", "sqs_sent"], latencies: ["ingest_latency_ms"] },
  processor: {
    namespace: "Fluxa/Processor",
    counts: ["processed_success", "processed_failure", "deferred_messages", "poison_retried", "dead_lettered"],
    latencies: ["db_latency_ms", "publish_latency_ms", "process_latency_ms"],
  },
  query: { namespace: "Fluxa/Query", counts: ["query_success", "query_failure", "query_not_found"], latencies: [] },
};

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

/** The CloudWatch dashboard body: the functions' own metrics, then the AWS service metrics behind them. */
export function dashboardBody(names: ResourceNames, region: string, dbInstanceIdentifier: string): { widgets: Widget[] } {
  const emf = Object.entries(emfMetrics).flatMap(([fn, spec]) => [
    graph(`${fn}: outcomes`, region, spec.counts.map((m) => [spec.namespace, m, "service", fn])),
    ...(spec.latencies.length > 0 ? [graph(`${fn}: latency p99 (ms)`, region, spec.latencies.map((m) => [spec.namespace, m, "service", fn]), "p99")] : []),
  ]);
  const lambda = (metricName: string, stat: string) =>
    graph(`Lambda ${metricName} (${stat})`, region, functionNames.map((fn) => ["AWS/Lambda", metricName, "FunctionName", names.function(fn), { label: fn }]), stat);
  const api = (metricName: string, stat = "Sum") => ["AWS/ApiGateway", metricName, "ApiName", names.api, "Stage", names.apiStage, { stat }];
  const rds = (metricName: string) => ["AWS/RDS", metricName, "DBInstanceIdentifier", dbInstanceIdentifier];
  return {
    widgets: [
      { type: "text", width: 24, height: 1, properties: { markdown: `# Fluxa ${names.api}` } },
      ...emf,
      lambda("Invocations", "Sum"),
      lambda("Errors", "Sum"),
      lambda("Throttles", "Sum"),
      lambda("Duration", "p99"),
      graph("API requests and errors", region, [api("Count"), api("4XXError"), api("5XXError")]),
      graph("API latency p99 (ms)", region, [api("Latency", "p99"), api("IntegrationLatency", "p99")], "p99"),
      graph("Queue depth", region, [
        ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", names.queue, { label: "events" }],
        ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", names.deadLetterQueue, { label: "dead letters" }],
      ], "Maximum"),
      graph("Oldest queued event (s)", region, [["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", names.queue]], "Maximum"),
      graph("Database CPU and connections", region, [rds("CPUUtilization"), rds("DatabaseConnections")], "Average"),
      graph("Database free storage (bytes)", region, [rds("FreeStorageSpace")], "Minimum"),
    ],
  };
}
