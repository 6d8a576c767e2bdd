import { expect } from "chai";
import { parseConfig } from "../../stack-config/config";
import { lambdaMs, stackCapacity, vcpuShare } from "../../scripts/bench/capacity";
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
    const capacity = stackCapacity(parseConfig(stackFile("dev"), "dev", "eu-west-1"), 1000);
    expect(capacity.batchSize).to.equal(10);
    expect(capacity.concurrency).to.equal(5);
    // 1000 ev/s locally is 10 ms per batch of 10; 34.55 ms on Lambda; 289.43 ev/s per environment; × 5.
    expect(capacity.eventsPerSecondPerEnvironment).to.be.closeTo(289.429, 0.001);
    expect(capacity.processorEventsPerSecond).to.be.closeTo(1447.145, 0.001);
    // dev's API throttle, 50 requests/s, admits 5,000 events/s as batches of 100.
    expect(capacity.apiBatchEventsPerSecond).to.equal(5000);
    expect(capacity.eventsPerSecond).to.be.closeTo(1447.145, 0.001);
    expect(capacity.limitedBy).to.equal("processor");
    // 5 environments × pool 2, of max_connections 112 − 5 reserved − 5 for operators.
    expect([capacity.processorConnections, capacity.functionConnectionSupply]).to.deep.equal([10, 102]);
  });

  it("uses prod's batch of 50 at 1,024 MB and 50 environments", () => {
    const capacity = stackCapacity(parseConfig(stackFile("prod"), "prod", "eu-west-1"), 2000);
    expect(capacity.batchSize).to.equal(50);
    // 25 ms per batch locally, 43.19 ms on Lambda: 1157.72 ev/s per environment, × 50.
    expect(capacity.processorEventsPerSecond).to.be.closeTo(57885.811, 0.001);
    expect(capacity.limitedBy).to.equal("processor");
  });

  it("is the API throttle's when that admits fewer events than the processors take", () => {
    const capacity = stackCapacity(parseConfig({ apiThrottleRateLimit: "10" }, "qa", "eu-west-1"), 1000);
    expect(capacity.eventsPerSecond).to.equal(1000);
    expect(capacity.limitedBy).to.equal("API throttle");
  });
});
