import { expect } from "chai";
import { parseConfig } from "../../stack-config/config";
import { bendOf, databaseFigure, gp3Baseline, instanceClassSpec, type CeilingStep } from "../../scripts/bench/database-capacity";

function step(environments: number, eventsPerSecond: number, eventsPerPostgresCpuSecond: number | null = 4000): CeilingStep {
  const batch = { samples: 10, p50Ms: 5, p95Ms: 9, p99Ms: 10, maxMs: 11 };
  return { environments, events: eventsPerSecond * 3, seconds: 3, eventsPerSecond, batch, postgresCpuSeconds: 1, eventsPerPostgresCpuSecond, walBytesPerEvent: 800 };
}

describe("database ceiling", () => {
  it("bends after the last step whose doubling still added 20 % or more, and takes the fastest step as the ceiling", () => {
    // 1 → 2 adds 80 %, 2 → 4 adds 10 %: it bends after 2; 8 environments are the fastest.
    const bend = bendOf([step(1, 1000), step(2, 1800), step(4, 1980, 5000), step(8, 2000, 4500)]);
    expect(bend).to.deep.equal({ bendsAfterEnvironments: 2, ceilingEventsPerSecond: 2000, eventsPerPostgresCpuSecond: 4500, walBytesPerEvent: 800 });
  });

  it("does not bend while every doubling adds at least 20 %", () => {
    expect(bendOf([step(1, 1000), step(2, 1200), step(4, 1440), step(8, 1728)]).bendsAfterEnvironments).to.equal(null);
  });

  it("knows the vCPUs and memory of the t4g, m and r classes, and T4g's baseline", () => {
    expect(instanceClassSpec("db.t4g.micro")).to.deep.equal({ vcpus: 2, memoryGib: 1, baselineCpuShare: 0.1 });
    expect(instanceClassSpec("db.m7g.large")).to.deep.equal({ vcpus: 2, memoryGib: 8 });
    expect(instanceClassSpec("db.r7g.2xlarge")).to.deep.equal({ vcpus: 8, memoryGib: 64 });
    expect(instanceClassSpec("db.x2g.large")).to.equal(undefined);
  });

  it("gives gp3 its RDS baseline: 3,000 IOPS below 400 GB, 12,000 from it", () => {
    expect([gp3Baseline(100).iops, gp3Baseline(400).iops]).to.deep.equal([3000, 12000]);
  });

  it("carries the PostgreSQL CPU per event to the class's vCPUs, unless the IOPS allow fewer commits, and writes the assumptions beside it", () => {
    const ceiling = { ...bendOf([step(1, 1000, 30_000)]), batchSize: 10 };
    const prod = databaseFigure(parseConfig({ dbInstanceClass: "db.m7g.xlarge", dbMultiAz: "true", sqsBatchSize: "10" }, "qa", "eu-west-1"), ceiling);
    // 4 vCPUs × 30,000 = 120,000 by CPU; 3,000 IOPS × 10 events per synchronous commit = 30,000; 125 MiB/s / (2 × 800 B) = 81,920.
    expect(prod).to.include({ vcpus: 4, cpuBoundEventsPerSecond: 120_000, iopsBoundEventsPerSecond: 30_000, throughputBoundEventsPerSecond: 81_920, eventsPerSecond: 30_000, boundBy: "IOPS" });
    expect(prod?.multiAz).to.equal(true);
    // 1 MiB/s of WAL bytes would bind first.
    const heavyWal = databaseFigure(parseConfig({}, "qa", "eu-west-1"), { ...ceiling, walBytesPerEvent: 1024 ** 2 });
    expect(heavyWal).to.include({ boundBy: "throughput", eventsPerSecond: 62.5 });
    expect(prod?.assumptions.join("\n")).to.include("Multi-AZ").and.include("3000 IOPS");
    expect(databaseFigure(parseConfig({}, "qa", "eu-west-1"), { ...ceiling, eventsPerPostgresCpuSecond: null })).to.equal(undefined);
  });
});
