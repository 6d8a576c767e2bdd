import assert from "node:assert/strict";
import { functionNames } from "../../functions/topology";
import { awsMetrics, metricCatalogue, metricNames, metricNamespaces } from "../../functions/shared/metric-catalogue";
import { one, ofType, runStack, type StackRun } from "./harness";

for (const stack of ["dev", "prod"] as const) {
  describe(`Observability (${stack})`, () => {
    let run: StackRun;
    before(async () => {
      run = await runStack(stack);
    });

    it("keeps every function's and the API's logs for the configured retention", () => {
      const groups = ofType(run, "aws:cloudwatch/logGroup:LogGroup").map((g) => [g.inputs.name, g.inputs.retentionInDays]);
      const expected = [...functionNames.map((fn) => `/aws/lambda/fluxa-${fn}-${stack}`), `/aws/apigateway/fluxa-${stack}/access`];
      assert.deepEqual(groups.map(([name]) => name).sort(), expected.sort());
      assert.ok(groups.every(([, days]) => days === run.config.logRetentionDays));
    });

    it("alarms on DLQ depth, queue age, deferrals and their age, API 5XX and each function's errors and throttles", () => {
      const alarms = new Map(ofType(run, "aws:cloudwatch/metricAlarm:MetricAlarm").map((a) => [a.inputs.name as string, a.inputs]));
      const expected = [
        `fluxa-dlq-depth-${stack}`,
        `fluxa-queue-age-${stack}`,
        `fluxa-quiet-groups-age-${stack}`,
        `fluxa-processor-deferring-${stack}`,
        `fluxa-deferred-age-${stack}`,
        `fluxa-api-5xx-${stack}`,
        `fluxa-replay-failures-${stack}`,
        `fluxa-partitions-ahead-${stack}`,
        `fluxa-partitions-blocked-${stack}`,
        ...functionNames.flatMap((fn) => [`fluxa-${fn}-errors-${stack}`, `fluxa-${fn}-throttles-${stack}`]),
      ];
      assert.deepEqual([...alarms.keys()].sort(), expected.sort());
      const dlq = alarms.get(`fluxa-dlq-depth-${stack}`)!;
      assert.deepEqual([dlq.metricName, dlq.dimensions, dlq.threshold, dlq.comparisonOperator], [
        "ApproximateNumberOfMessagesVisible",
        { QueueName: `fluxa-events-dlq-${stack}` },
        0,
        "GreaterThanThreshold",
      ]);
      assert.match(String(dlq.alarmDescription), /poison .* or events deferred through an outage longer than 7\.0 days/);
      const deferring = alarms.get(`fluxa-processor-deferring-${stack}`)!;
      assert.deepEqual(
        [deferring.namespace, deferring.metricName, deferring.dimensions, deferring.statistic, deferring.period, deferring.threshold],
        ["Fluxa/Processor", "deferred_messages", { service: "processor" }, "Sum", 300, 1],
      );
      const deferredAge = alarms.get(`fluxa-deferred-age-${stack}`)!;
      assert.deepEqual(
        [deferredAge.namespace, deferredAge.metricName, deferredAge.dimensions, deferredAge.statistic, deferredAge.period, deferredAge.threshold],
        ["Fluxa/Processor", "oldest_deferred_age_seconds", { service: "processor" }, "Maximum", 3600, 3600],
      );
      const age = alarms.get(`fluxa-queue-age-${stack}`)!;
      assert.deepEqual([age.metricName, age.dimensions, age.threshold], ["ApproximateAgeOfOldestMessage", { QueueName: `fluxa-events-${stack}` }, run.config.alarms.queueAgeSeconds]);
      const quiet = alarms.get(`fluxa-quiet-groups-age-${stack}`)!;
      assert.deepEqual(
        [quiet.metricName, quiet.dimensions, quiet.statistic, quiet.threshold],
        ["ApproximateAgeOfOldestMessageInQuietGroups", { QueueName: `fluxa-events-${stack}` }, "Maximum", run.config.alarms.queueAgeSeconds],
      );
      const api = alarms.get(`fluxa-api-5xx-${stack}`)!;
      assert.deepEqual([api.namespace, api.metricName, api.dimensions, api.threshold], ["AWS/ApiGateway", "5XXError", { ApiName: `fluxa-${stack}`, Stage: "v1" }, run.config.alarms.api5xx]);
      // No report for 3 hours (the schedule runs hourly) is as bad as too few partitions ahead.
      const ahead = alarms.get(`fluxa-partitions-ahead-${stack}`)!;
      assert.deepEqual(
        [ahead.namespace, ahead.metricName, ahead.dimensions, ahead.statistic, ahead.comparisonOperator, ahead.threshold, ahead.treatMissingData],
        ["Fluxa/Maintain", "partitions_ahead", { service: "maintain" }, "Minimum", "LessThanThreshold", run.config.alarms.partitionsAhead, "breaching"],
      );
      const blocked = alarms.get(`fluxa-partitions-blocked-${stack}`)!;
      assert.deepEqual([blocked.metricName, blocked.statistic, blocked.threshold, blocked.treatMissingData], ["partitions_blocked", "Sum", 1, "notBreaching"]);
      for (const fn of functionNames) {
        const errors = alarms.get(`fluxa-${fn}-errors-${stack}`)!;
        assert.deepEqual([errors.metricName, errors.dimensions, errors.threshold], ["Errors", { FunctionName: `fluxa-${fn}-${stack}` }, run.config.alarms.functionErrors]);
        assert.equal(alarms.get(`fluxa-${fn}-throttles-${stack}`)!.threshold, run.config.alarms.functionThrottles);
      }
      const topic = "arn:aws:sns:eu-west-1:123456789012:fluxa-alarms-" + stack;
      for (const alarm of alarms.values()) assert.deepEqual(alarm.alarmActions, [topic]);
      assert.equal(ofType(run, "aws:sns/topicSubscription:TopicSubscription").length, run.config.alarms.email ? 1 : 0);
    });

    it("charts the functions' EMF metrics by service and the AWS metrics behind them", () => {
      const dashboard = one(run, "aws:cloudwatch/dashboard:Dashboard", "fluxa-observability-dashboard").inputs;
      assert.equal(dashboard.dashboardName, `fluxa-${stack}`);
      const body = JSON.parse(dashboard.dashboardBody as string) as { widgets: { properties: { metrics?: unknown[][] } }[] };
      const metrics = body.widgets.flatMap((w) => w.properties.metrics ?? []).map((m) => m.filter((part) => typeof part === "string").join(" "));
      assert.ok(metricNames.includes("idempotency_conflicts"));
      for (const name of metricNames) {
        const { service } = metricCatalogue[name];
        assert.ok(metrics.includes(`${metricNamespaces[service]} ${name} service ${service}`), `${metricNamespaces[service]}/${name} is not on the dashboard`);
      }
      for (const namespace of ["AWS/Lambda", "AWS/SQS", "AWS/ApiGateway", "AWS/RDS"]) assert.ok(metrics.some((m) => m.startsWith(namespace)), namespace);
      const catalogued = new Set(Object.values(awsMetrics).map((m) => `${m.namespace} ${m.name}`));
      const charted = new Set(metrics.filter((m) => m.startsWith("AWS/")).map((m) => m.split(" ").slice(0, 2).join(" ")));
      assert.deepEqual([...charted].sort(), [...catalogued].sort(), "the dashboard charts exactly the catalogued AWS metrics");
      const alarmed = ofType(run, "aws:cloudwatch/metricAlarm:MetricAlarm").map((a) => `${String(a.inputs.namespace)} ${String(a.inputs.metricName)}`);
      const emf = new Set(metricNames.map((name) => `${metricNamespaces[metricCatalogue[name].service]} ${name}`));
      assert.deepEqual(alarmed.filter((m) => !catalogued.has(m) && !emf.has(m)), [], "every alarm watches a catalogued metric");
      assert.ok(metrics.includes("AWS/RDS CPUUtilization DBInstanceIdentifier fluxa-store-db-1a2b3c"));
      for (const { name } of run.config.sources) {
        for (const metric of ["ingest_success", "ingest_failure"]) assert.ok(metrics.includes(`Fluxa/Ingest ${metric} service ingest source ${name}`), `${metric} of ${name}`);
      }
      assert.equal(run.outputs.dashboardUrl, `https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards:name=fluxa-${stack}`);
    });
  });
}
