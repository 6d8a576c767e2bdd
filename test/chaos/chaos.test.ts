import { expect } from "chai";
import { failuresOf, runChaos, type ChaosReport } from "../../scripts/chaos/scenario";

/**
 * The short variant of `npm run test:chaos`, inside `npm test`: fewer events, one fault of each
 * kind, a PostgreSQL outage of 31 visibility timeouts (2 s) with the poisoned batch sent during it,
 * the same checks. The full run is `npm run test:chaos`; docs/RESILIENCE.md has its figures.
 */
describe("chaos (short): PostgreSQL restart and long outage, processor kill, S3 and SNS outages, poisoned batch", function () {
  this.timeout(300_000);
  let report: ChaosReport;
  const visibilityTimeoutSeconds = 2;

  before(async () => {
    report = await runChaos({
      events: 800,
      concurrency: 8,
      postgresRestarts: 1,
      processorKills: 1,
      outageMs: 1_000,
      longOutageMs: 31 * visibilityTimeoutSeconds * 1000,
      // Longer than the visibility timeout: a message failed by one fault is retried before the next.
      settleMs: 3_000,
      visibilityTimeoutSeconds,
      drainTimeoutMs: 60_000,
      say: () => undefined,
    });
  });

  it("injected every fault into live traffic", () => {
    expect(report.faults.map((f) => f.kind)).to.have.members(["processor-kill", "postgres-restart", "postgres-long-outage", "s3-outage", "sns-outage"]);
    const kill = report.faults.find((f) => f.kind === "processor-kill");
    expect(parseInt(kill?.detail ?? "0", 10), "the kill hit a batch in flight").to.be.above(0);
  });

  it("loses nothing, duplicates nothing, stores nothing rejected, and SNS saw every stored event", () => {
    const v = report.verification;
    expect({ lost: v.lost, duplicated: v.duplicated, unexpected: v.unexpectedRows, rejectedStored: v.rejectedStored, missingOnSns: v.missingOnSns }).to.deep.equal({
      lost: 0,
      duplicated: 0,
      unexpected: 0,
      rejectedStored: 0,
      missingOnSns: 0,
    });
    expect(v.stored).to.equal(v.expected);
    expect(report.clientGaveUp).to.equal(0);
  });

  it("defers messages through the long outage with backoff up to its cap (10 visibility timeouts), none to the DLQ", () => {
    expect(report.deferrals).to.be.above(0);
    expect(report.longestDeferralSeconds).to.equal(10 * visibilityTimeoutSeconds);
    expect(report.verification.dlqDepth).to.equal(0);
  });

  it("dead-letters the poisoned messages sent during the outage at exactly their third receive and stores their batch-mates", () => {
    expect(report.poison.deadLettered).to.have.length(2);
    for (const counts of Object.values(report.poison.receiveCounts)) expect(counts).to.deep.equal([1, 2, 3]);
    expect(report.poison.problems).to.deep.equal([]);
  });

  it("leaves the queue and the DLQ empty", () => {
    expect({ queue: report.verification.queueDepth, dlq: report.verification.dlqDepth }).to.deep.equal({ queue: 0, dlq: 0 });
    expect(failuresOf(report)).to.deep.equal([]);
  });
});
