import { expect } from "chai";
import { parseConfig } from "../../stack-config/config";
import { apiGatewayAccountRequestsPerSecond, lambdaMs, snsPublishQuota, stackCapacity, vcpuShare } from "../../scripts/bench/capacity";
import { stackFile } from "../infra/stack-config";

describe("capacity arithmetic", () => {
  it("gives a function the vCPU share of its memory, one vCPU at 1,769 MB and no more above", () => {
    expect(vcpuShare(1769)).to.equal(1);
    expect(vcpuShare(3538)).to.equal(1);
    expect(vcpuShare(512)).to.be.closeTo(0.28943, 0.00001);
    // 10 ms of one core take 10 × 1769 / 512 = 34.55 ms at 512 MB.
    expect(lambdaMs(10, 512)).to.be.closeTo(34.5508, 0.0001);
  });

  it("carries dev's measured rate to Lambda at 512 MB and multiplies it by the mapping's maximum concurrency", () => {
    const capacity = stackCapacity(parseConfig(stackFile("dev"), "dev", "eu-west-1"), { localEventsPerSecondPerEnvironment: 1000 });
    expect(capacity.batchSize).to.equal(10);
    expect(capacity.concurrency).to.equal(5);
    // 1000 ev/s locally is 10 ms per batch of 10; 34.55 ms on Lambda; 289.43 ev/s per environment; × 5.
    expect(capacity.eventsPerSecondPerEnvironment).to.be.closeTo(289.429, 0.001);
    expect(capacity.processorEventsPerSecond).to.be.closeTo(1447.145, 0.001);
    // dev's API throttle, 50 requests/s, admits 5,000 events/s as batches of 100.
    expect(capacity.limits.find((l) => l.name === "API throttle")?.eventsPerSecond).to.equal(5000);
    expect(capacity.eventsPerSecond).to.be.closeTo(1447.145, 0.001);
    expect(capacity.limitedBy).to.equal("processors");
    // 5 environments × pool 2, of max_connections 112 − 5 reserved − 5 for operators.
    expect([capacity.processorConnections, capacity.functionConnectionSupply]).to.deep.equal([10, 102]);
  });

  it("uses prod's batch of 50 at 1,024 MB and 50 environments, each batch waiting 2 ms more for the Multi-AZ standby", () => {
    const capacity = stackCapacity(parseConfig(stackFile("prod"), "prod", "eu-west-1"), { localEventsPerSecondPerEnvironment: 2000 });
    expect(capacity.batchSize).to.equal(50);
    // 25 ms per batch locally, 43.19 ms on Lambda + 2 ms: 1106.48 ev/s per environment, × 50.
    expect(capacity.processorEventsPerSecond).to.be.closeTo(55323.839, 0.001);
    // SNS's 9,000 messages/s in eu-west-1 is below that: prod's binding limit.
    expect(capacity.limitedBy).to.equal("SNS publish quota");
    expect(capacity.eventsPerSecond).to.equal(9000);
  });

  const binding = (raw: Record<string, string>, measured: Parameters<typeof stackCapacity>[1], region = "eu-west-1") => {
    const capacity = stackCapacity(parseConfig(raw, "qa", region), measured);
    return { limitedBy: capacity.limitedBy, eventsPerSecond: Math.round(capacity.eventsPerSecond) };
  };

  it("is the API throttle's when the least of the stage and the usage plans admits fewer events than the processors take", () => {
    // Stage 10 requests/s, its one default source the same: 10 × 100 events per batch POST.
    expect(binding({ apiThrottleRateLimit: "10" }, { localEventsPerSecondPerEnvironment: 1000 })).to.deep.equal({ limitedBy: "API throttle", eventsPerSecond: 1000 });
  });

  it("takes the account's API throttle of the region, shared by every API in it, when the stage and the plans allow more", () => {
    expect([apiGatewayAccountRequestsPerSecond("eu-west-1"), apiGatewayAccountRequestsPerSecond("eu-south-1")]).to.deep.equal([10000, 2500]);
    // Stage 5,000 requests/s in Milan: the account's 2,500 × 100 events, below 20 environments at 1,769 MB of 10,000 events/s each.
    const raw = { apiThrottleRateLimit: "5000", apiThrottleBurstLimit: "5000", processorMemoryMb: "1769", processorMaximumConcurrency: "20" };
    const capacity = stackCapacity(parseConfig(raw, "qa", "eu-south-1"), { localEventsPerSecondPerEnvironment: 10_000 });
    expect(capacity.limits.find((l) => l.name === "API throttle")).to.include({ eventsPerSecond: 250_000 });
    expect(capacity.limits.find((l) => l.name === "API throttle")?.because).to.include("least of account 2500, stage 5000");
  });

  it("is the database's when its instance class takes fewer events than the processors", () => {
    // db.t4g.micro: 2 vCPUs × 100 events per PostgreSQL CPU-second; its 3,000 IOPS allow 30,000 at batch 10.
    const measured = { localEventsPerSecondPerEnvironment: 1000, databaseCeiling: { batchSize: 10, eventsPerPostgresCpuSecond: 100, bendsAfterEnvironments: 2, ceilingEventsPerSecond: 150, walBytesPerEvent: 900 } };
    const capacity = stackCapacity(parseConfig({}, "qa", "eu-west-1"), measured);
    expect([capacity.limitedBy, capacity.eventsPerSecond]).to.deep.equal(["database", 200]);
    expect(capacity.database).to.include({ instanceClass: "db.t4g.micro", vcpus: 2, memoryGib: 1, boundBy: "CPU", baselineEventsPerSecond: 20, iopsBoundEventsPerSecond: 30000 });
  });

  it("is SNS's Publish quota of the region, which counts each message of a PublishBatch", () => {
    expect([snsPublishQuota("eu-west-1"), snsPublishQuota("us-east-1"), snsPublishQuota("ap-south-2")]).to.deep.equal([9000, 30000, 1500]);
    // 20 environments of 2,000 events/s at 1,769 MB: 40,000 events/s against 1,500 in ap-south-2.
    const fast = { processorMemoryMb: "1769", processorMaximumConcurrency: "20", apiThrottleRateLimit: "1000" };
    expect(binding(fast, { localEventsPerSecondPerEnvironment: 2000 }, "ap-south-2")).to.deep.equal({ limitedBy: "SNS publish quota", eventsPerSecond: 1500 });
  });

  it("is the Lambda concurrency left to ingest when its batch POSTs are slow", () => {
    // Ingest reserved 10 at 1,769 MB, 1,000 ms a batch POST of 100: 10 × 100 events a second.
    const raw = { ingestMemoryMb: "1769", ingestReservedConcurrency: "10" };
    expect(binding(raw, { localEventsPerSecondPerEnvironment: 1000, ingestLocalMsPerFullBatch: 1000 })).to.deep.equal({ limitedBy: "Lambda concurrency", eventsPerSecond: 1000 });
    // Unreserved, ingest shares the account's 1,000 with the reservations (query 10, migrate 1, replay 2, erase 1, maintain 1) and the processor's 5 pollers.
    const shared = stackCapacity(parseConfig({ ingestMemoryMb: "1769" }, "qa", "eu-west-1"), { localEventsPerSecondPerEnvironment: 1000, ingestLocalMsPerFullBatch: 100_000 });
    expect(shared.limits.find((l) => l.name === "Lambda concurrency")?.eventsPerSecond).to.be.closeTo(980, 1e-9);
  });

  it("is the connection budget's when the database holds fewer processor environments than the mapping may run", () => {
    // parseConfig refuses such a stack, so the config is made by hand.
    const config = parseConfig({}, "qa", "eu-west-1");
    const small = { ...config, database: { ...config.database, maxConnections: 42 } };
    // 42 − 5 reserved − 5 operators = 32; query 20 + migrate 2 + replay 4 + erase 2 + maintain 2 = 30 others; 2 / pool 2 = 1 environment of 289 ev/s.
    const capacity = stackCapacity(small, { localEventsPerSecondPerEnvironment: 1000 });
    expect(capacity.limitedBy).to.equal("connection budget");
    expect(capacity.eventsPerSecond).to.be.closeTo(289.429, 0.001);
  });
});
