import { awsMetrics, metricNamespaces, type AwsMetricSpec } from "../functions/shared/metric-catalogue";
import { functionNames } from "../functions/topology";
import type { FluxaConfig } from "./config";
import type { ResourceNames } from "./names";

export interface AlarmDefinition {
  /** Stack-independent, for logical names: `dlq-depth`. */
  readonly key: string;
  readonly name: string;
  readonly description: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly statistic: "Sum" | "Maximum";
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly threshold: number;
  readonly comparisonOperator: "GreaterThanThreshold" | "GreaterThanOrEqualToThreshold";
}

/** Fluxa's alarms, named as in the seed (`fluxa-<subject>-<stack>`). */
export function alarmDefinitions(names: ResourceNames, thresholds: FluxaConfig["alarms"]): AlarmDefinition[] {
  const fiveMinutes = 300;
  const named = (key: string) => ({ key, name: names.alarm(key) });
  const metric = (spec: AwsMetricSpec) => ({ namespace: spec.namespace, metricName: spec.name });
  const queue = (queueName: string) => ({ dimensions: { QueueName: queueName } });
  return [
    {
      ...named("dlq-depth"),
      description: "Events that failed processing 3 times are waiting in the dead-letter queue.",
      ...queue(names.deadLetterQueue),
      ...metric(awsMetrics.queueVisible),
      statistic: "Maximum",
      periodSeconds: 60,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
    },
    {
      ...named("queue-age"),
      description: `The oldest queued event has waited over ${thresholds.queueAgeSeconds} s: the processor is falling behind.`,
      ...queue(names.queue),
      ...metric(awsMetrics.queueOldestAge),
      statistic: "Maximum",
      periodSeconds: 60,
      evaluationPeriods: 5,
      threshold: thresholds.queueAgeSeconds,
      comparisonOperator: "GreaterThanThreshold",
    },
    ...functionNames.flatMap((fn): AlarmDefinition[] => {
      const lambda = { dimensions: { FunctionName: names.function(fn) }, statistic: "Sum" as const };
      const every = { periodSeconds: fiveMinutes, evaluationPeriods: 1, comparisonOperator: "GreaterThanOrEqualToThreshold" as const };
      return [
        { ...named(`${fn}-errors`), description: `${fn} function errors.`, ...lambda, ...every, ...metric(awsMetrics.lambdaErrors), threshold: thresholds.functionErrors },
        {
          ...named(`${fn}-throttles`),
          description: `${fn} invocations throttled.`,
          ...lambda,
          ...every,
          ...metric(awsMetrics.lambdaThrottles),
          threshold: thresholds.functionThrottles,
        },
      ];
    }),
    {
      ...named("replay-failures"),
      description: "A replay could not deliver events (it stopped before them; resume it once the target is healthy).",
      // Powertools writes EMF metrics with the function's service name as the one dimension.
      namespace: metricNamespaces.replay,
      dimensions: { service: "replay" },
      metricName: "replay_failed",
      statistic: "Sum",
      periodSeconds: fiveMinutes,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
    },
    {
      ...named("api-5xx"),
      description: "The API answered with server errors.",
      ...metric(awsMetrics.api5xx),
      dimensions: { ApiName: names.api, Stage: names.apiStage },
      statistic: "Sum",
      periodSeconds: fiveMinutes,
      evaluationPeriods: 1,
      threshold: thresholds.api5xx,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
    },
  ];
}
