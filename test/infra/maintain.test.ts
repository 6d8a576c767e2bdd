import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { loadConfig } from "../../stack-config/config";
import { runOffline, type Registration } from "../../scripts/preview/mock-engine";
import { createFluxa } from "../../components/program";
import { readStackConfig } from "../../scripts/preview/stack-file";
import { archiveKeyPrefix, envNames, maintenanceSchedule, payloadKeyPrefix } from "../../functions/topology";
import { statementsOf } from "./harness";

describe("maintenance function under mocks, with retention and archive on", () => {
  let registrations: readonly Registration[];
  const registered = (type: string, name: string) => {
    const found = registrations.find((r) => r.type === type && r.name === name);
    assert.ok(found, `${type} ${name}`);
    return found.inputs;
  };

  before(async () => {
    const bundleDir = mkdtempSync(path.join(tmpdir(), "fluxa-bundles-maintain-"));
    const config = { ...readStackConfig("prod"), "fluxa:retentionDays": "400", "fluxa:archive": "true", "fluxa:alarmPartitionsAhead": "5" };
    ({ registrations } = await runOffline("prod", config, () => createFluxa(loadConfig(), { bundleDir })));
  });

  it("runs in the VPC, one execution at a time, told its window and that it archives", () => {
    const fn = registered("aws:lambda/function:Function", "fluxa-pipeline-maintain");
    const variables = (fn.environment as { variables: Record<string, string> }).variables;
    assert.deepEqual([variables[envNames.retentionDays], variables[envNames.archiveEnabled]], ["400", "true"]);
    assert.ok(fn.vpcConfig);
    assert.equal(fn.reservedConcurrentExecutions, 1);
    assert.equal(fn.timeout, 900);
  });

  it("may write and read back archive/ only, never raw/", () => {
    const statements = statementsOf(registered("aws:iam/rolePolicy:RolePolicy", "fluxa-pipeline-maintain-policy").policy);
    const s3 = statements.filter((s) => s.Action.some((action) => action.startsWith("s3:")));
    assert.deepEqual(s3.map(({ Sid, Action, Resource }) => ({ Sid, Action, Resource })), [
      { Sid: "WriteArchive", Action: ["s3:PutObject", "s3:GetObject"], Resource: [`arn:aws:s3:::fluxa-pipeline-payloads-1a2b3c/${archiveKeyPrefix}*`] },
    ]);
  });

  it("lets replay read the archive and list only its prefix, to find the manifests", () => {
    const statements = statementsOf(registered("aws:iam/rolePolicy:RolePolicy", "fluxa-pipeline-replay-policy").policy);
    const list = statements.find((s) => s.Sid === "ListArchive");
    assert.deepEqual([list?.Action, list?.Resource, list?.Condition], [["s3:ListBucket"], ["arn:aws:s3:::fluxa-pipeline-payloads-1a2b3c"], { StringLike: { "s3:prefix": [`${archiveKeyPrefix}*`] } }]);
  });

  it("is run hourly by EventBridge Scheduler through a role that may invoke it and nothing else", () => {
    const schedule = registered("aws:scheduler/schedule:Schedule", "fluxa-pipeline-maintain-schedule");
    assert.equal(schedule.scheduleExpression, maintenanceSchedule.expression);
    const target = schedule.target as { arn: string; roleArn: string; input: string };
    assert.equal(target.arn, "arn:aws:lambda:eu-west-1:123456789012:function:fluxa-maintain-prod");
    assert.deepEqual(JSON.parse(target.input), { action: "run", dryRun: false });
    const trust = JSON.parse(registered("aws:iam/role:Role", "fluxa-pipeline-maintain-schedule-role").assumeRolePolicy as string) as { Statement: { Principal: unknown }[] };
    assert.deepEqual(trust.Statement.map((s) => s.Principal), [{ Service: "scheduler.amazonaws.com" }]);
    const statements = statementsOf(registered("aws:iam/rolePolicy:RolePolicy", "fluxa-pipeline-maintain-schedule-policy").policy);
    assert.deepEqual(statements.map(({ Action, Resource }) => ({ Action, Resource })), [{ Action: ["lambda:InvokeFunction"], Resource: [target.arn] }]);
  });

  it("expires raw/ payloads after the retention window and leaves archive/ without a rule", () => {
    const lifecycle = registered("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "fluxa-pipeline-payloads-lifecycle");
    const rules = lifecycle.rules as { filter: { prefix: string }; expiration: { days: number } }[];
    assert.deepEqual(rules.map((r) => [r.filter.prefix, r.expiration.days]), [[payloadKeyPrefix, 400]]);
  });

  it("alarms when partitions ahead run short of the configured threshold", () => {
    const alarm = registered("aws:cloudwatch/metricAlarm:MetricAlarm", "fluxa-observability-partitions-ahead");
    assert.deepEqual([alarm.metricName, alarm.threshold, alarm.comparisonOperator], ["partitions_ahead", 5, "LessThanThreshold"]);
  });
});
