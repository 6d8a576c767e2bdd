import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { loadConfig } from "../../stack-config/config";
import { runOffline, type Registration } from "../../scripts/preview/mock-engine";
import { createFluxa } from "../../components/program";
import { diffStacks } from "../../scripts/preview/stack-diff";
import { readStackConfig } from "../../scripts/preview/stack-file";
import { one, runStack } from "./harness";

describe("Fluxa program", () => {
  for (const stack of ["dev", "prod"] as const) {
    it(`runs to completion for ${stack} and resolves every stack output`, async () => {
      const run = await runStack(stack);
      for (const [name, value] of Object.entries(run.outputs)) {
        assert.ok(typeof value === "string" ? value.length > 0 : Object.keys(value).length > 0, name);
      }
      const components = run.registrations.filter((r) => r.type.startsWith("fluxa:")).map((r) => `${r.type} ${r.name}`);
      assert.deepEqual(components.sort(), [
        "fluxa:index:EventPipeline fluxa-pipeline",
        "fluxa:index:EventStore fluxa-store",
        "fluxa:index:Network fluxa-network",
        "fluxa:index:Observability fluxa-observability",
      ]);
      const tags = one(run, "pulumi:providers:aws", "fluxa-aws").inputs.defaultTags as string;
      assert.deepEqual(JSON.parse(tags), { tags: { project: "fluxa", stack } });
    });
  }

  it("makes prod differ from dev exactly as the stack files configure", async () => {
    const [dev, prod] = [await runStack("dev"), await runStack("prod")];
    const differences = diffStacks(dev, prod).map((d) => (d.property ? `${d.resource.split(" ")[1]}.${d.property}` : `${d.resource.split(" ")[1]} only in ${String(d.right === "present" ? "prod" : "dev")}`));
    assert.deepEqual(differences.sort(), [
      // API throttling and quota; the redeployment hash covers integration URIs, which name the stack's functions.
      "fluxa-pipeline-deployment.triggers",
      "fluxa-pipeline-throttling.settings",
      "fluxa-pipeline-usage-plan.quotaSettings",
      "fluxa-pipeline-usage-plan.throttleSettings",
      // Sources: the same two in both, with their own limits, and a partner only in prod.
      "fluxa-pipeline-source-mobile-usage-plan.quotaSettings",
      "fluxa-pipeline-source-mobile-usage-plan.throttleSettings",
      "fluxa-pipeline-source-partner-key-1 only in prod",
      "fluxa-pipeline-source-partner-usage-plan only in prod",
      "fluxa-pipeline-source-partner-usage-plan-key-1 only in prod",
      // Log retention (the payload bucket's access logs too) and alarm thresholds.
      "fluxa-pipeline-access-logs-lifecycle.rules",
      ...["api-access", "ingest", "migrate", "processor", "query", "replay", "erase", "maintain"].map((g) => `fluxa-observability-${g}-logs.retentionInDays`),
      ...["ingest", "migrate", "processor", "query", "replay", "erase", "maintain"].map((fn) => `fluxa-observability-${fn}-errors.threshold`),
      "fluxa-observability-queue-age.alarmDescription",
      "fluxa-observability-quiet-groups-age.alarmDescription",
      "fluxa-observability-quiet-groups-age.threshold",
      // The dashboard graphs each stack's own sources.
      "fluxa-observability-dashboard.dashboardBody",
      "fluxa-observability-queue-age.threshold",
      // RDS Proxy in prod: functions reach the database through it.
      "fluxa-network-db-sg.ingress",
      "fluxa-store-proxy only in prod",
      "fluxa-store-proxy-policy only in prod",
      "fluxa-store-proxy-role only in prod",
      "fluxa-network-proxy-sg only in prod",
      "fluxa-store-proxy-target only in prod",
      "fluxa-store-proxy-targets only in prod",
      // API Gateway's account-wide logging role: prod owns it.
      "fluxa-pipeline-account only in prod",
      "fluxa-pipeline-logging-policy only in prod",
      "fluxa-pipeline-logging-role only in prod",
      // Lambda's log filtering follows each stack's log level (dev debug, prod info).
      ...["ingest", "migrate", "processor", "query", "replay", "erase", "maintain"].map((fn) => `fluxa-pipeline-${fn}.loggingConfig`),
      // SQS batching and the pollers' bound, function sizing, LOG_LEVEL and DB_HOST.
      "fluxa-pipeline-processor-source.batchSize",
      "fluxa-pipeline-processor-source.maximumBatchingWindowInSeconds",
      "fluxa-pipeline-processor-source.scalingConfig",
      "fluxa-pipeline-ingest.environment",
      "fluxa-pipeline-ingest.memorySize",
      "fluxa-pipeline-ingest.reservedConcurrentExecutions",
      "fluxa-pipeline-migrate.environment",
      "fluxa-pipeline-maintain.environment",
      "fluxa-pipeline-processor.environment",
      "fluxa-pipeline-processor.memorySize",
      "fluxa-pipeline-processor.reservedConcurrentExecutions",
      "fluxa-pipeline-query.environment",
      "fluxa-pipeline-query.reservedConcurrentExecutions",
      "fluxa-pipeline-replay.environment",
      "fluxa-pipeline-erase.environment",
      // Database sizing and safety.
      ...["allocatedStorage", "backupRetentionPeriod", "deletionProtection", "finalSnapshotIdentifier", "instanceClass", "multiAz", "skipFinalSnapshot"].map((p) => `fluxa-store-db.${p}`),
      // Bucket teardown and NAT strategy.
      "fluxa-pipeline-payloads.forceDestroy",
      "fluxa-pipeline-access-logs.forceDestroy",
      "fluxa-network-vpc.natGateways",
      // Partitions of events: daily in prod, monthly in dev (migrate's environment, and its invocation's trigger).
      "fluxa-pipeline-migrations.triggers",
    ].sort());
  });

  describe("without NAT gateways and with an alarm e-mail", () => {
    let registrations: readonly Registration[];
    before(async () => {
      const config = { ...readStackConfig("dev"), "fluxa:natStrategy": "none", "fluxa:alarmEmail": "ops@example.com" };
      const bundleDir = mkdtempSync(path.join(tmpdir(), "fluxa-bundles-none-"));
      ({ registrations } = await runOffline("dev", config, () => createFluxa(loadConfig(), { bundleDir })));
    });

    it("uses isolated subnets and reaches Secrets Manager, SNS and SQS through interface endpoints open to the functions", () => {
      const vpc = registrations.find((r) => r.type === "awsx:ec2:Vpc")!.inputs;
      assert.deepEqual(vpc.subnetSpecs, [{ type: "Isolated", cidrMask: 20 }]);
      assert.deepEqual(vpc.natGateways, { strategy: "None" });
      const endpoints = registrations.filter((r) => r.type === "aws:ec2/vpcEndpoint:VpcEndpoint").map((r) => r.inputs);
      assert.deepEqual(endpoints.map((e) => e.serviceName).sort(), ["com.amazonaws.eu-west-1.secretsmanager", "com.amazonaws.eu-west-1.sns", "com.amazonaws.eu-west-1.sqs"]);
      for (const endpoint of endpoints) {
        assert.deepEqual(endpoint.subnetIds, ["subnet-isolated-a", "subnet-isolated-b"]);
        assert.equal(endpoint.privateDnsEnabled, true);
      }
      const sg = registrations.find((r) => r.name === "fluxa-network-endpoints-sg")!.inputs;
      assert.deepEqual(sg.ingress, [{ protocol: "tcp", fromPort: 443, toPort: 443, securityGroups: ["fluxa-network-functions-sg-id"] }]);
      const processor = registrations.find((r) => r.name === "fluxa-pipeline-processor")!.inputs;
      assert.deepEqual((processor.vpcConfig as { subnetIds: string[] }).subnetIds, ["subnet-isolated-a", "subnet-isolated-b"]);
      const subnetGroup = registrations.find((r) => r.type === "aws:rds/subnetGroup:SubnetGroup")!.inputs;
      assert.deepEqual(subnetGroup.subnetIds, ["subnet-isolated-a", "subnet-isolated-b"]);
    });

    it("subscribes the e-mail to the alarm topic", () => {
      const subscriptions = registrations.filter((r) => r.type === "aws:sns/topicSubscription:TopicSubscription").map((r) => r.inputs);
      assert.deepEqual(subscriptions, [{ topic: "arn:aws:sns:eu-west-1:123456789012:fluxa-alarms-dev", protocol: "email", endpoint: "ops@example.com" }]);
    });
  });

  it("fails before creating anything when a config value is bad, naming the key", async () => {
    const config = { ...readStackConfig("dev"), "fluxa:dbMultiAz": "yes" };
    await assert.rejects(
      runOffline("dev", config, () => createFluxa(loadConfig())),
      (error: Error) => error.message.includes('fluxa:dbMultiAz: must be true or false, got "yes"'),
    );
  });
});
