import { metricCatalogue, metricNames, metricNamespaces, type MetricService } from "../functions/shared/metric-catalogue";
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

/** The CloudWatch dashboard body: every catalogued EMF metric (counts, then latencies as p99), then the AWS service metrics behind them. */
export function dashboardBody(names: ResourceNames, region: string, dbInstanceIdentifier: string): { widgets: Widget[] } {
  const emf = (Object.keys(metricNamespaces) as MetricService[]).flatMap((service) => {
    const of = (unit: "Count" | "Milliseconds") =>
      metricNames.filter((m) => metricCatalogue[m].service === service && metricCatalogue[m].unit === unit).map((m) => [metricNamespaces[service], m, "service", service]);
    const latencies = of("Milliseconds");
    return [graph(`${service}: outcomes`, region, of("Count")), ...(latencies.length > 0 ? [graph(`${service}: latency p99 (ms)`, region, latencies, "p99")] : [])];
  });
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
