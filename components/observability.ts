import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { functionNames, type FunctionName } from "../functions/topology";
import { alarmDefinitions } from "./alarms";
import type { FluxaConfig } from "../stack-config/config";
import { dashboardBody } from "./dashboard";
import type { ResourceNames } from "./names";

export interface ObservabilityArgs {
  /** Physical names of the resources being watched (see `resourceNames`). */
  readonly names: ResourceNames;
  /** Region the dashboard's metrics and link point at. */
  readonly region: string;
  /** Days CloudWatch keeps the functions' and the API's logs. */
  readonly logRetentionDays: pulumi.Input<number>;
  /** Alarm thresholds; `email`, if set, is subscribed to the alarm topic. */
  readonly alarms: FluxaConfig["alarms"];
  /** The RDS instance shown on the dashboard. */
  readonly dbInstanceIdentifier: pulumi.Input<string>;
  /** The events queue's visibility timeout: the outage alarms follow its backoff cap and safety net. */
  readonly queueVisibilityTimeoutSeconds: number;
  /** The sources whose accepted and rejected events the dashboard shows. */
  readonly sources: readonly string[];
}

export interface LogGroupRef {
  readonly name: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;
}

/**
 * Log groups, alarms, the alarm topic and the dashboard. It is created before the functions so that
 * their log groups exist before they first run; alarms and the dashboard refer to resources by name.
 */
export class Observability extends pulumi.ComponentResource {
  readonly functionLogGroups: Readonly<Record<FunctionName, LogGroupRef>>;
  readonly apiAccessLogGroup: LogGroupRef;
  readonly alarmTopicArn: pulumi.Output<string>;
  readonly alarmNames: pulumi.Output<string[]>;
  readonly dashboardUrl: pulumi.Output<string>;

  constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fluxa:index:Observability", name, {}, opts);
    const retentionInDays = args.logRetentionDays;
    const logGroup = (role: string, logGroupName: string): LogGroupRef => {
      const group = new aws.cloudwatch.LogGroup(`${name}-${role}`, { name: logGroupName, retentionInDays }, { parent: this });
      return { name: group.name, arn: group.arn };
    };
    this.functionLogGroups = Object.fromEntries(
      functionNames.map((fn) => [fn, logGroup(`${fn}-logs`, args.names.functionLogGroup(fn))]),
    ) as Record<FunctionName, LogGroupRef>;
    this.apiAccessLogGroup = logGroup("api-access-logs", args.names.apiAccessLogGroup);

    // AWS: CloudWatch cannot publish to a topic encrypted with the AWS-managed aws/sns key; alarm
    // messages carry no event data, so this topic keeps SNS's default (TLS in transit only).
    const topic = new aws.sns.Topic(`${name}-alarm-topic`, { name: args.names.alarm("alarms") }, { parent: this });
    if (args.alarms.email) {
      new aws.sns.TopicSubscription(`${name}-alarm-email`, { topic: topic.arn, protocol: "email", endpoint: args.alarms.email }, { parent: this });
    }
    const alarms = alarmDefinitions(args.names, args.alarms, args.queueVisibilityTimeoutSeconds).map(
      (alarm) =>
        new aws.cloudwatch.MetricAlarm(
          `${name}-${alarm.key}`,
          {
            name: alarm.name,
            alarmDescription: alarm.description,
            namespace: alarm.namespace,
            metricName: alarm.metricName,
            dimensions: alarm.dimensions,
            statistic: alarm.statistic,
            period: alarm.periodSeconds,
            evaluationPeriods: alarm.evaluationPeriods,
            threshold: alarm.threshold,
            comparisonOperator: alarm.comparisonOperator,
            treatMissingData: alarm.treatMissingData ?? "notBreaching",
            alarmActions: [topic.arn],
            okActions: [topic.arn],
          },
          { parent: this },
        ),
    );

    const dashboard = new aws.cloudwatch.Dashboard(
      `${name}-dashboard`,
      {
        dashboardName: args.names.dashboard,
        dashboardBody: pulumi.output(args.dbInstanceIdentifier).apply((db) => JSON.stringify(dashboardBody(args.names, args.region, db, args.sources))),
      },
      { parent: this },
    );

    this.alarmTopicArn = topic.arn;
    this.alarmNames = pulumi.all(alarms.map((a) => a.name));
    this.dashboardUrl = pulumi.interpolate`https://${args.region}.console.aws.amazon.com/cloudwatch/home?region=${args.region}#dashboards:name=${dashboard.dashboardName}`;
    this.registerOutputs({
      functionLogGroups: this.functionLogGroups,
      apiAccessLogGroup: this.apiAccessLogGroup,
      alarmTopicArn: this.alarmTopicArn,
      alarmNames: this.alarmNames,
      dashboardUrl: this.dashboardUrl,
    });
  }
}
