import { awsMetrics, metricNamespaces, type AwsMetricSpec, type MetricName } from "../functions/shared/metric-catalogue";
import { eventQueue, functionNames } from "../functions/topology";
import { backoffCapSeconds, survivableOutageSeconds } from "../functions/processor/retry-policy";
import type { FluxaConfig } from "../stack-config/config";
import type { ResourceNames } from "./names";

export interface AlarmDefinition {
  /** Stack-independent, for logical names: `dlq-depth`. */
  readonly key: string;
  readonly name: string;
  readonly description: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly statistic: "Sum" | "Maximum" | "Minimum";
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly threshold: number;
  readonly comparisonOperator: "GreaterThanThreshold" | "GreaterThanOrEqualToThreshold" | "LessThanThreshold";
  /** Default notBreaching: no data is no trouble. */
  readonly treatMissingData?: "breaching" | "notBreaching";
}

/** An event deferred through an outage this long raises `deferred-age`. */
export const deferredAgeAlarmSeconds = 3600;

/**
 * Fluxa's alarms, named as in the seed (`fluxa-<subject>-<stack>`). The outage alarms read the
 * processor's own metrics: AWS: SQS's ApproximateAgeOfOldestMessage skips a message received more
 * than three times, so in a long outage it shows the newest arrivals, not the oldest waiting event.
 */
export function alarmDefinitions(names: ResourceNames, thresholds: FluxaConfig["alarms"], queueVisibilityTimeoutSeconds: number): AlarmDefinition[] {
  const fiveMinutes = 300;
  const named = (key: string) => ({ key, name: names.alarm(key) });
  const processor = (name: MetricName) => ({ namespace: metricNamespaces.processor, metricName: name, dimensions: { service: "processor" } });
  const outageDays = (survivableOutageSeconds(queueVisibilityTimeoutSeconds) / 86_400).toFixed(1);
  // The oldest deferred event is received again at least once per backoff cap: each period sees it.
  const capPeriod = Math.max(deferredAgeAlarmSeconds, Math.ceil(backoffCapSeconds(queueVisibilityTimeoutSeconds) / 60) * 60);
  const metric = (spec: AwsMetricSpec) => ({ namespace: spec.namespace, metricName: spec.name });
  const queue = (queueName: string) => ({ dimensions: { QueueName: queueName } });
  return [
    {
      ...named("dlq-depth"),
      description:
        `Events are in the dead-letter queue: poison the processor dead-lettered at its ${eventQueue.poisonReceives}rd permanent failure ` +
        `(failure_reason attribute), or events deferred through an outage longer than ${outageDays} days (the redrive safety net).`,
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
    {
      ...named("quiet-groups-age"),
      description:
        `The oldest event of a source that is not flooding the queue has waited over ${thresholds.queueAgeSeconds} s: the fair queue no longer ` +
        "shields the quiet sources from a noisy one (ApproximateNumberOfNoisyGroups names how many flood), or the processor is behind for all.",
      ...queue(names.queue),
      ...metric(awsMetrics.queueOldestAgeQuietGroups),
      statistic: "Maximum",
      periodSeconds: 60,
      evaluationPeriods: 5,
      threshold: thresholds.queueAgeSeconds,
      comparisonOperator: "GreaterThanThreshold",
    },
    {
      ...named("processor-deferring"),
      description: "The processor is deferring events because PostgreSQL, S3 or SNS failed: a dependency is down. Events wait in the queue, not the DLQ.",
      ...processor("deferred_messages"),
      statistic: "Sum",
      periodSeconds: fiveMinutes,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
    },
    {
      ...named("deferred-age"),
      description: `An event deferred by a dependency outage has waited over ${deferredAgeAlarmSeconds / 3600} h; events survive ${outageDays} days of outage in the queue.`,
      ...processor("oldest_deferred_age_seconds"),
      statistic: "Maximum",
      periodSeconds: capPeriod,
      evaluationPeriods: 1,
      threshold: deferredAgeAlarmSeconds,
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
      ...named("partitions-ahead"),
      description:
        `Fewer than ${thresholds.partitionsAhead} partitions of events exist ahead of today, or the maintenance function has not reported for 3 hours ` +
        "(it runs hourly): events would land in the default partition. Run npm run maintain and read its report.",
      namespace: metricNamespaces.maintain,
      dimensions: { service: "maintain" },
      metricName: "partitions_ahead" satisfies MetricName,
      statistic: "Minimum",
      periodSeconds: 3 * 3600,
      evaluationPeriods: 1,
      threshold: thresholds.partitionsAhead,
      comparisonOperator: "LessThanThreshold",
      treatMissingData: "breaching",
    },
    {
      ...named("partitions-blocked"),
      description:
        "An expired partition was kept: events SNS never confirmed remain in it (npm run replay -- --unpublished), or its archive did not read back as written. " +
        "The maintenance report names the partition and why.",
      namespace: metricNamespaces.maintain,
      dimensions: { service: "maintain" },
      metricName: "partitions_blocked" satisfies MetricName,
      statistic: "Sum",
      periodSeconds: 3 * 3600,
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
