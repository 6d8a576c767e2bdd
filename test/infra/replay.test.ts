import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { loadConfig } from "../../stack-config/config";
import { runOffline, type Registration } from "../../scripts/preview/mock-engine";
import { queueArnOfUrl } from "../../components/policies";
import { createFluxa } from "../../components/program";
import { readStackConfig } from "../../scripts/preview/stack-file";
import { envNames } from "../../functions/topology";
import { statementsOf } from "./harness";
import { configProblems } from "./stack-config";

const listed = ["https://sqs.eu-west-1.amazonaws.com/123456789012/new-subscriber", "https://sqs.eu-west-1.amazonaws.com/210987654321/partner-feed.fifo"];

describe("replay function under mocks, with queues listed in stack config", () => {
  let registrations: readonly Registration[];
  const policyOf = (fn: string) => {
    const policy = registrations.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name === `fluxa-pipeline-${fn}-policy`);
    assert.ok(policy, fn);
    return statementsOf(policy.inputs.policy);
  };

  before(async () => {
    const bundleDir = mkdtempSync(path.join(tmpdir(), "fluxa-bundles-replay-"));
    const config = { ...readStackConfig("dev"), "fluxa:replayQueueUrls": listed.join(","), "fluxa:replayMaxWindowDays": "7" };
    ({ registrations } = await runOffline("dev", config, () => createFluxa(loadConfig(), { bundleDir })));
  });

  it("reads the store, publishes to the topic, and sends only to the listed queues", () => {
    const statements = policyOf("replay").map(({ Sid, Action, Resource }) => ({ Sid, Action, Resource }));
    assert.deepEqual(
      statements.find((s) => s.Sid === "SendReplays"),
      { Sid: "SendReplays", Action: ["sqs:SendMessage", "sqs:GetQueueAttributes"], Resource: ["arn:aws:sqs:eu-west-1:123456789012:new-subscriber", "arn:aws:sqs:eu-west-1:210987654321:partner-feed.fifo"] },
    );
    assert.deepEqual(statements.map((s) => s.Sid).sort(), ["ListArchive", "ManageVpcNetworkInterfaces", "PublishEvents", "ReadArchive", "ReadDatabaseSecret", "SendReplays", "WriteLogs"]);
    assert.ok(statements.every((s) => s.Action.every((action) => !action.includes("*"))));
  });

  it("gives no other function the listed queues", () => {
    for (const fn of ["ingest", "processor", "query", "migrate"]) {
      const resources = policyOf(fn).flatMap((s) => s.Resource);
      for (const url of listed) assert.ok(!resources.includes(queueArnOfUrl(url)), `${fn} reaches ${url}`);
    }
  });

  it("tells the function its queues and its longest window, and runs it in the VPC with a bounded concurrency", () => {
    const fn = registrations.find((r) => r.type === "aws:lambda/function:Function" && r.name === "fluxa-pipeline-replay");
    assert.ok(fn);
    const variables = (fn.inputs.environment as { variables: Record<string, string> }).variables;
    assert.equal(variables[envNames.replayQueueUrls], listed.join(","));
    assert.equal(variables[envNames.replayMaxWindowDays], "7");
    assert.ok(fn.inputs.vpcConfig);
    assert.equal(fn.inputs.reservedConcurrentExecutions, 2);
  });
});

describe("replay function without NAT", () => {
  it("reaches the listed queues through the SQS interface endpoint the processor needs too", async () => {
    const bundleDir = mkdtempSync(path.join(tmpdir(), "fluxa-bundles-replay-"));
    const config = { ...readStackConfig("dev"), "fluxa:natStrategy": "none", "fluxa:replayQueueUrls": listed[0] };
    const { registrations } = await runOffline("dev", config, () => createFluxa(loadConfig(), { bundleDir }));
    const endpoints = registrations.filter((r) => r.type === "aws:ec2/vpcEndpoint:VpcEndpoint" && r.inputs.vpcEndpointType === "Interface").map((r) => String(r.inputs.serviceName));
    assert.deepEqual(endpoints.sort(), ["com.amazonaws.eu-west-1.secretsmanager", "com.amazonaws.eu-west-1.sns", "com.amazonaws.eu-west-1.sqs"]);
  });
});

describe("replay stack config", () => {
  it("takes exact SQS queue URLs only, naming the key of anything else", () => {
    assert.deepEqual(configProblems({ replayQueueUrls: listed.join(", ") }), []);
    for (const bad of ["https://sqs.eu-west-1.amazonaws.com/123456789012/*", "http://127.0.0.1:4566/000000000000/q", "arn:aws:sqs:eu-west-1:123456789012:q"]) {
      const [problem] = configProblems({ replayQueueUrls: bad });
      assert.match(problem, /^fluxa:replayQueueUrls: must be SQS queue URLs such as https:\/\/sqs\.us-east-1\.amazonaws\.com\/123456789012\/name/);
    }
  });

  it("bounds the longest window", () => {
    assert.match(configProblems({ replayMaxWindowDays: "0" })[0], /^fluxa:replayMaxWindowDays: must be between 1 and 3650/);
  });
});
