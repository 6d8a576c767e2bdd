import { ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Client } from "pg";
import { LocalStackAlreadyRunning, runningLocalStack } from "../../scripts/lib/running-local-stack";
import { startLocalStack, type LocalStack } from "../../scripts/local-stack/local-stack";

/** Everything published to the topic, read from the SNS tap (envelopes, not raw delivery). */
async function publishedMessages(stack: LocalStack, count: number): Promise<string[]> {
  const sqs = new SQSClient({ endpoint: stack.awsEndpointUrl, region: stack.region, credentials: { accessKeyId: "x", secretAccessKey: "x" } });
  const messages: string[] = [];
  const deadline = Date.now() + 15_000;
  try {
    while (messages.length < count && Date.now() < deadline) {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: stack.snsTapQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      for (const message of Messages) messages.push((JSON.parse(message.Body ?? "{}") as { Message: string }).Message);
    }
  } finally {
    sqs.destroy();
  }
  return messages;
}

describe("local stack: startLocalStack with fixture bundles", function () {
  this.timeout(60_000);
  let dataDir: string;
  let stack: LocalStack;
  const apiKey = "local-stack-test-key";
  const fixtureBundles = path.join(__dirname, "fixtures", "bundles");

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "fluxa-stack-"));
    chmodSync(dataDir, 0o755);
    stack = await startLocalStack({
      port: 0,
      dataDir,
      quiet: true,
      apiKeys: [apiKey],
      bundleDir: fixtureBundles,
      visibilityTimeoutSeconds: 1,
    });
  });

  after(async () => {
    await stack?.stop();
    assert.equal(runningLocalStack(dataDir), undefined, "a stopped stack leaves no record for the CLIs");
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("records where the CLIs reach it in its data directory, and refuses a second stack there before starting anything", async () => {
    const { awsEndpointUrl, region, queueUrl, dlqUrl, lambdaEndpointUrl } = stack;
    assert.deepEqual(runningLocalStack(dataDir), { pid: process.pid, apiUrl: stack.apiUrl, awsEndpointUrl, region, queueUrl, dlqUrl, lambdaEndpointUrl, replayFunction: "replay", eraseFunction: "erase", maintainFunction: "maintain" });

    await assert.rejects(startLocalStack({ port: 0, dataDir, quiet: true, apiKeys: [apiKey], bundleDir: fixtureBundles }), LocalStackAlreadyRunning);
    assert.equal(runningLocalStack(dataDir)?.apiUrl, stack.apiUrl);
  });

  it("refuses a port already taken at once, naming PORT", async () => {
    const otherDataDir = mkdtempSync(path.join(tmpdir(), "fluxa-stack-"));
    const takenPort = Number(new URL(stack.apiUrl).port);
    try {
      await assert.rejects(
        startLocalStack({ port: takenPort, dataDir: otherDataDir, quiet: true, apiKeys: [apiKey], bundleDir: fixtureBundles }),
        new Error(`PORT=${takenPort}: 127.0.0.1:${takenPort} is already in use (another npm start?); stop that, or set PORT to a free port (0 picks one)`),
      );
    } finally {
      rmSync(otherDataDir, { recursive: true, force: true });
    }
  });

  it("has applied migrations by invoking the migrate function against the fluxa database", async () => {
    const client = new Client({ connectionString: stack.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string }>("SELECT name FROM fixture_migrations");
      assert.deepEqual(rows, [{ name: "001_fixture" }]);
    } finally {
      await client.end();
    }
    assert.equal(stack.functions.invocationCount("migrate"), 1);
  });

  it("answers /health and carries an accepted event from ingest through the queue to the processor and SNS", async () => {
    const health = await fetch(`${stack.apiUrl}/health`);
    const accepted = await fetch(`${stack.apiUrl}/events`, { method: "POST", headers: { "x-api-key": apiKey }, body: '{"n":1}' });

    assert.equal(health.status, 200);
    assert.equal(accepted.status, 202);
    assert.deepEqual(await publishedMessages(stack, 1), ['{"n":1}']);
    assert.ok(stack.functions.invocationCount("processor") >= 1);
  });

  it("routes path parameters to the query function", async () => {
    const response = await fetch(`${stack.apiUrl}/events/abc`, { headers: { "x-api-key": apiKey } });

    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { id: "abc" });
  });
});
