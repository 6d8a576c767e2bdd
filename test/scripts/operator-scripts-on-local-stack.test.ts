import { expect } from "chai";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { startTestStack, waitForEvent, type TestStack } from "../../scripts/lib/local-stack-client";
import { runScript } from "./run-script";

describe("seed-events, verify-deployment and load-test against the local stack", function () {
  this.timeout(60_000);
  let t: TestStack;
  let env: Record<string, string>;

  before(async () => {
    t = await startTestStack();
    env = { API_ENDPOINT: t.stack.apiUrl, API_KEY: t.apiKey, DLQ_URL: t.stack.dlqUrl };
  });
  after(async () => {
    await t?.stop();
  });

  it("seed-events posts every sample, the large one through S3", async () => {
    const run = await runScript("seed-events", [], env);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.include("8 of 8 accepted");
    const largeId = /^large payload \(S3\)\s+1\s+1\s+(\S+)$/m.exec(run.stdout)?.[1];
    expect(largeId, run.stdout).to.be.a("string");
    expect((await waitForEvent(t, largeId!)).body.payload_mode).to.equal("S3");
  });

  it("verify-deployment passes every check it can run locally and skips alarms", async () => {
    const run = await runScript("verify-deployment", [], env);
    expect(run.code, run.stdout + run.stderr).to.equal(0);
    expect(run.stdout).to.match(/^health\s+pass\s/m);
    expect(run.stdout).to.match(/^ingest\s+pass\s+202 enqueued/m);
    expect(run.stdout).to.match(/^query within 30 s\s+pass\s+readable after/m);
    expect(run.stdout).to.match(/^DLQ empty\s+pass\s+0 visible, 0 in flight/m);
    expect(run.stdout).to.match(/^alarms OK\s+skip\s+no --stack/m);
    expect(run.stdout).to.include("4 passed, 0 failed, 1 skipped");
    expect(run.stderr).to.not.include("differs from SQSClient resolved endpoint");
  });

  it("verify-deployment fails (exit 1) once a message sits in the DLQ", async () => {
    await t.sqs.send(new SendMessageCommand({ QueueUrl: t.stack.dlqUrl, MessageBody: "{}" }));
    const run = await runScript("verify-deployment", ["--timeout", "10"], env);
    expect(run.code).to.equal(1);
    expect(run.stdout).to.match(/^DLQ empty\s+FAIL\s+1 visible, 0 in flight/m);
  });

  it("load-test sends NUM_EVENTS at CONCURRENCY and summarises throughput, percentiles and errors by status", async () => {
    const run = await runScript("load-test", [], { ...env, NUM_EVENTS: "40", CONCURRENCY: "4" });
    expect(run.code, run.stdout + run.stderr).to.equal(0);
    expect(run.stdout).to.include("40 requests, 4 at a time");
    expect(run.stdout).to.match(/^accepted \(202\)\s+40$/m);
    expect(run.stdout).to.match(/^throughput\s+[\d.]+ events\/s \(throughput_events_per_min \d+\)$/m);
    expect(run.stdout).to.match(/^latency p50 \/ p95 \/ p99\s+[\d.]+ \/ [\d.]+ \/ [\d.]+ ms \(ingest_p95_ms [\d.]+\), max [\d.]+ ms$/m);
    expect(run.stdout).to.match(/^errors by status\s+none$/m);
  });

  it("load-test exits 1 and counts the refusals by status when requests are not accepted", async () => {
    const run = await runScript("load-test", ["--events", "10", "--concurrency", "2"], { ...env, API_KEY: "not-a-key" });
    expect(run.code).to.equal(1);
    expect(run.stdout).to.match(/^accepted \(202\)\s+0$/m);
    expect(run.stdout).to.match(/^errors by status\s+403: 10$/m);
  });
});
