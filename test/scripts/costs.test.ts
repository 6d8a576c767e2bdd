import { expect } from "chai";
import { parseConfig } from "../../stack-config/config";
import { chunks, costPerMillionEvents, type CostInputs } from "../../scripts/bench/costs";
import { listPrices } from "../../scripts/bench/prices";

/** One vCPU each (1,769 MB), so Lambda times equal the local ones and every line can be worked by hand. */
const config = parseConfig({ ingestMemoryMb: "1769", processorMemoryMb: "1769" }, "qa", "eu-west-1");
const inputs: CostInputs = {
  eventsPerRequest: 1,
  ingestLocalMs: 5,
  processorLocalMs: 20,
  queueMessageBytes: 1000,
  notificationBytes: 500,
  notificationsPerCall: 10,
  functionLogBytesPerEvent: 1000,
  platformLogBytesPerInvocation: 500,
  accessLogBytesPerRequest: 400,
  largePayloadShare: 0.01,
};

function part(name: string, cost = costPerMillionEvents(config, inputs, listPrices)) {
  const found = cost.parts.find((p) => p.part.startsWith(name));
  if (!found) throw new Error(`no part ${name}`);
  return found;
}

describe("cost per million events", () => {
  it("bills SQS and SNS per started 64 KiB chunk", () => {
    expect([chunks(1), chunks(65_536), chunks(65_537), chunks(300_000)]).to.deep.equal([1, 1, 2, 5]);
  });

  it("prices each line from the stack's sizing and the measured inputs", () => {
    // A million single-event POSTs: a million API requests and ingest invocations, 100,000 batches of 10.
    expect(part("API Gateway")).to.include({ quantity: 1_000_000, dollars: 3.5 });
    expect(part("Lambda invocations").quantity).to.equal(1_100_000);
    expect(part("Lambda invocations").dollars).to.be.closeTo(0.22, 1e-9);
    // (1,000,000 × 5 ms + 100,000 × 20 ms) × 1769/1024 GB = 12,092.77 GB-s at $0.0000133334.
    expect(part("Lambda duration").quantity).to.be.closeTo(12092.7734, 0.0001);
    expect(part("Lambda duration").dollars).to.be.closeTo(0.161238, 0.000001);
    // 1,000,000 sends + 100,000 receives of 10 KB + 100,000 deletes of 10 entries.
    expect(part("SQS").quantity).to.equal(1_200_000);
    expect(part("SQS").dollars).to.be.closeTo(0.48, 1e-9);
    // One PublishBatch of 10 × 500 B per batch.
    expect(part("SNS").quantity).to.equal(100_000);
    expect(part("SNS").dollars).to.be.closeTo(0.05, 1e-9);
    // 1 % of events: 10,000 PUTs at $0.005/1000 and 10,000 GETs at $0.0004/1000.
    expect(part("S3").quantity).to.equal(20_000);
    expect(part("S3").dollars).to.be.closeTo(0.054, 1e-9);
    // 1e9 function bytes + 1.1e6 × 500 platform bytes + 1e6 × 400 access-log bytes = 1.95e9 B = 1.8161 GiB.
    expect(part("CloudWatch Logs ingested").quantity).to.be.closeTo(1.81608, 0.00001);
    expect(part("CloudWatch Logs ingested").dollars).to.be.closeTo(0.90804, 0.00001);
    // Kept 14 days (the default retention): 14/30 of a month at $0.03.
    expect(part("CloudWatch Logs stored").dollars).to.be.closeTo(0.025425, 0.000001);
    expect(costPerMillionEvents(config, inputs, listPrices).dollars).to.be.closeTo(5.398702, 0.000001);
  });

  it("charges the seed's Publish per event ten SNS requests per batch of 10", () => {
    const seed = costPerMillionEvents(config, { ...inputs, notificationsPerCall: 1 }, listPrices);
    expect(part("SNS", seed)).to.include({ quantity: 1_000_000 });
    expect(part("SNS", seed).dollars).to.be.closeTo(0.5, 1e-9);
  });

  it("divides API requests, ingest invocations and SQS sends by the events a POST /events/batch carries", () => {
    const batched = costPerMillionEvents(config, { ...inputs, eventsPerRequest: 100, ingestLocalMs: 50 }, listPrices);
    // 10,000 requests of 100 events; each sends 10 SendMessageBatch calls of 10 × 1,000 B (one 64 KiB chunk each).
    expect(part("API Gateway", batched)).to.include({ quantity: 10_000, dollars: 0.035 });
    expect(part("Lambda invocations", batched).quantity).to.equal(110_000);
    expect(part("SQS", batched).quantity).to.equal(300_000);
    // (10,000 × 50 ms + 100,000 × 20 ms) × 1769/1024 GB.
    expect(part("Lambda duration", batched).quantity).to.be.closeTo(4318.8477, 0.0001);
  });

  it("splits the log bytes per event by origin: the functions', Lambda's platform lines per invocation, the access log per request", () => {
    const single = costPerMillionEvents(config, inputs, listPrices);
    // 1.1 million invocations × 500 B over a million events; one 400 B access line per event.
    expect(single.logBytesPerEvent).to.deep.equal({ functions: 1000, platform: 550, accessLog: 400 });
    const batched = costPerMillionEvents(config, { ...inputs, eventsPerRequest: 100 }, listPrices);
    // 110,000 invocations × 500 B; 10,000 access lines × 400 B.
    expect(batched.logBytesPerEvent).to.deep.equal({ functions: 1000, platform: 55, accessLog: 4 });
  });

  it("stretches handler time by the CPU share and bills whole milliseconds", () => {
    const small = parseConfig({ ingestMemoryMb: "512", processorMemoryMb: "512" }, "qa", "eu-west-1");
    // ingest 5 ms → 17.28 → 18 ms at 0.5 GB; processor 20 ms → 69.10 → 70 ms at 0.5 GB.
    const expected = 1_000_000 * 0.018 * 0.5 + 100_000 * 0.07 * 0.5;
    expect(part("Lambda duration", costPerMillionEvents(small, inputs, listPrices)).quantity).to.be.closeTo(expected, 1e-6);
  });
});
