import { expect } from "chai";
import { formatResults } from "../../scripts/bench/tables";
import { parseConfig } from "../../stack-config/config";
import { stackCapacity } from "../../scripts/bench/capacity";
import { bendOf, type CeilingStep } from "../../scripts/bench/database-capacity";
import { stackFile } from "../infra/stack-config";

type Results = Parameters<typeof formatResults>[0];

const step = (environments: number, eventsPerSecond: number, p95Ms: number): CeilingStep => ({
  environments,
  events: eventsPerSecond * 3,
  seconds: 3,
  eventsPerSecond,
  batch: { samples: 30, p50Ms: p95Ms / 2, p95Ms, p99Ms: p95Ms, maxMs: p95Ms },
  postgresCpuSeconds: 0.5,
  eventsPerPostgresCpuSecond: 6000,
  walBytesPerEvent: 1400,
});

function results(extra: Partial<Results>): Results {
  return {
    date: "2026-12-07T09:00:00.000Z",
    durationSeconds: 30,
    machine: { cpus: 2, cpuModel: "test", platform: "linux x64", loadAverage1m: { atStart: 1, atEnd: 1 } },
    versions: { node: "24", postgres: "18", fauxqs: "2" },
    targets: [],
    ...extra,
  } as Results;
}

describe("bench tables", () => {
  it("shows each database ceiling step with its gain over the previous, and where the curve bends", () => {
    const steps = [step(1, 1500, 12), step(2, 1650, 25), step(4, 1700, 45), step(8, 1600, 90)];
    const text = formatResults(results({ databaseCeiling: [{ batchSize: 10, stepSeconds: 3, steps, ...bendOf(steps) }] }));
    expect(text).to.include("Batch 10, 3 s per step: it bends after 1 environment (the next doubling added less than 20 %); ceiling 1700 events/s on 2 cores");
    expect(text).to.match(/\| 2 +\| 1650 +\| 10 % +\| 12.5 \/ 25 +\| 0.5 +\| 6000 +\| 1400 +\|/);
  });

  it("lists every capacity bound per stack and sets the binding one in bold", () => {
    const config = parseConfig(stackFile("dev"), "dev", "eu-west-1");
    const dev = stackCapacity(config, { localEventsPerSecondPerEnvironment: 1000 });
    const text = formatResults(results({ capacity: { dev, prod: null } }));
    expect(text).to.include("**1447 ev/s: 289 events/s per environment × 5 (processorMaximumConcurrency)**");
    expect(text).to.match(/\| SNS publish quota +\| 9000 ev\/s: 9000 messages\/s in eu-west-1/);
    // No database ceiling in these results: the bound is absent, not zero.
    expect(text).not.to.include("| database ");
  });
});
