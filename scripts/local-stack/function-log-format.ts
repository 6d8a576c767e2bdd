import { prettyFactory } from "pino-pretty";

/** `pretty`: one readable line per log entry and metric; `json`: the lines exactly as the function wrote them (as CloudWatch gets them). */
export const logFormats = ["pretty", "json"] as const;
export type LogFormat = (typeof logFormats)[number];

interface EmbeddedMetricFormat {
  readonly _aws: { readonly Timestamp?: number; readonly CloudWatchMetrics: ReadonlyArray<{ readonly Namespace: string; readonly Metrics: ReadonlyArray<{ readonly Name: string }> }> };
  readonly [field: string]: unknown;
}

/**
 * Renders one line a function wrote for a terminal: pino's JSON through pino-pretty, an EMF metrics
 * line as `metrics <namespace>: name=value …`, anything else (a stack trace, a console.log) as it is.
 * The result ends with a newline.
 */
export function prettyFunctionLog(functionName: string, colorize: boolean): (line: string) => string {
  const pretty = prettyFactory({
    colorize,
    singleLine: true,
    timestampKey: "timestamp",
    translateTime: "SYS:HH:MM:ss.l",
    ignore: "function,pid,hostname",
    messageFormat: `${functionName}: {msg}`,
  });
  return (line) => {
    const entry = parsedObject(line);
    if (entry === undefined) return `${functionName}: ${line}\n`;
    return pretty(isMetrics(entry) ? metricsEntry(entry) : entry);
  };
}

function parsedObject(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const parsed: unknown = JSON.parse(line);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function isMetrics(entry: Record<string, unknown>): entry is EmbeddedMetricFormat {
  const aws = entry._aws as { CloudWatchMetrics?: unknown } | undefined;
  return typeof aws === "object" && aws !== null && Array.isArray(aws.CloudWatchMetrics);
}

/** An EMF line as a log entry: the metric values in the message, the dimensions (the other fields) beside it. */
function metricsEntry({ _aws, ...fields }: EmbeddedMetricFormat): Record<string, unknown> {
  const names = new Set(_aws.CloudWatchMetrics.flatMap((directive) => directive.Metrics.map((metric) => metric.Name)));
  const namespaces = [...new Set(_aws.CloudWatchMetrics.map((directive) => directive.Namespace))].join(", ");
  const values = [...names].map((name) => `${name}=${JSON.stringify(fields[name])}`).join(" ");
  const dimensions = Object.fromEntries(Object.entries(fields).filter(([name]) => !names.has(name)));
  return { level: "info", timestamp: new Date(_aws.Timestamp ?? Date.now()).toISOString(), ...dimensions, msg: `metrics ${namespaces}: ${values}` };
}
