import { expect } from "chai";
import type { BundleColdStart, ColdStarts, FunctionColdStart } from "../../scripts/bench/cold-start";
import type { IngestComparison } from "../../scripts/bench/ingest";
import type { IngestFloorComparison } from "../../scripts/bench/ingest-floor";
import type { BatchComparison } from "../../scripts/bench/processor";
import { evaluateTargets, type MeasuredResults } from "../../scripts/bench/report";
import { formatResults } from "../../scripts/bench/tables";
import { listPrices } from "../../scripts/bench/prices";

const throughput = (eventsPerSecond: number) => ({ events: 1000, seconds: 1000 / eventsPerSecond, eventsPerSecond: Math.round(eventsPerSecond) });

function batch(batchSize: number, ratioToFloor: number): BatchComparison {
  return {
    batchSize,
    fluxa: { ...throughput(1000), perInvocation: { invokeMs: 9.1, handlerMs: 8.2, persistMs: 2.3, publishMs: 4.4 } },
    floor: { ...throughput(1000 / ratioToFloor), perInvocation: { invokeMs: 7.7 } },
    hopMs: 0.35,
    rawInsert: throughput(9000),
    seedDesign: throughput(600),
    seedDesignWithPublish: throughput(200),
    ratioToFloor,
    ratioToRawInsert: 0.11,
    ratioToSeedDesign: 1.7,
    ratioToSeedDesignWithPublish: 5,
  };
}

function ingestFloor(route: IngestFloorComparison["route"], ratioToFloor: number): IngestFloorComparison {
  const eventsPerRequest = route === "/events" ? 1 : 100;
  return {
    route,
    eventsPerRequest,
    handler: { ...throughput(700), invokeMs: 1.6, handlerMs: 1.3 },
    floor: { ...throughput(700 / ratioToFloor), invokeMs: 1.1 },
    ratioToFloor,
  };
}

const run = { requestsPerSecond: 400, latency: { samples: 10, p50Ms: 10, p95Ms: 20, p99Ms: 30, maxMs: 40 }, statusCounts: { 202: 10 }, errors: 0 };
const ingest = (floors: IngestFloorComparison[]): IngestComparison => ({ connections: 8, seconds: 8, localApi: run, bareServer: run, ratioToBareServer: 1, floors });

const bundle = (initMs: number, initRatioToHelloWorld: number): BundleColdStart => ({ bytes: 600_000, initBytes: 350_000, importMs: initMs - 40, initMs, initRatioToHelloWorld });
function coldStart(ratios: Partial<Record<FunctionColdStart["name"], number>>): ColdStarts {
  const names = ["ingest", "processor", "query", "migrate"] as const;
  const functions = names.map((name) => ({
    name,
    shipped: "bundled" as const,
    faster: "bundled" as const,
    runtime: bundle(200, 2.5),
    bundled: bundle(160, 2),
    ...(ratios[name] === undefined ? {} : { initRatioToFloor: ratios[name] }),
  }));
  const floor = bundle(128, 1.6);
  return { runsPerBundle: 7, baselines: { "hello-world": bundle(80, 1), "sdk-clients": bundle(240, 3) }, initFloors: { ingest: floor, processor: floor, query: floor }, functions };
}

function results(parts: Partial<Pick<MeasuredResults, "ingest" | "coldStart">> & { batches?: BatchComparison[] }): Omit<MeasuredResults, "targets"> {
  return {
    date: "2026-12-07T10:00:00.000Z",
    durationSeconds: 300,
    machine: { cpus: 2, cpuModel: "test", platform: "linux x64", loadAverage1m: { atStart: 0.5, atEnd: 1 } },
    versions: { node: "24.0.0", postgres: "18", fauxqs: "2" },
    prices: listPrices,
    processor: parts.batches && { batchSizes: parts.batches.map((b) => b.batchSize), batches: parts.batches },
    ingest: parts.ingest,
    coldStart: parts.coldStart,
  };
}

const verdicts = (all: ReturnType<typeof evaluateTargets>) => all.map((t) => [t.name, t.measured, t.comparison, t.target, t.met]);

describe("bench targets", () => {
  it("holds the processor to 0.75× its floor at batch 10 and 0.85× at batch 100, and sets none at other sizes", () => {
    const targets = evaluateTargets(results({ batches: [batch(10, 0.75), batch(50, 0.4), batch(100, 0.84)] }));
    expect(verdicts(targets)).to.deep.equal([
      ["processor, batch 10, vs its floor (INSERT + SNS PublishBatch)", 0.75, "≥", 0.75, true],
      ["processor, batch 100, vs its floor (INSERT + SNS PublishBatch)", 0.84, "≥", 0.85, false],
    ]);
  });

  it("holds both ingest handlers to 0.7× their raw SQS calls", () => {
    const targets = evaluateTargets(results({ ingest: ingest([ingestFloor("/events", 0.7), ingestFloor("/events/batch", 0.69)]) }));
    expect(verdicts(targets)).to.deep.equal([
      ["ingest POST /events (1 per request) vs its raw SendMessage", 0.7, "≥", 0.7, true],
      ["ingest POST /events/batch (100 per request) vs its raw SendMessageBatch calls", 0.69, "≥", 0.7, false],
    ]);
  });

  it("holds each cold start with an init floor to 1.25× it, and the ratio to a hello world to nothing", () => {
    const targets = evaluateTargets(results({ coldStart: coldStart({ ingest: 1.25, processor: 1.3, query: 1.1 }) }));
    expect(verdicts(targets)).to.deep.equal([
      ["ingest cold init vs its init floor (its clients and pool, SDK bundled)", 1.25, "≤", 1.25, true],
      ["processor cold init vs its init floor (its clients and pool, SDK bundled)", 1.3, "≤", 1.25, false],
      ["query cold init vs its init floor (its clients and pool, SDK bundled)", 1.1, "≤", 1.25, true],
    ]);
  });
});

describe("bench tables", () => {
  const rowOf = (text: string, first: string) => text.split("\n").find((line) => line.startsWith(`| ${first}`))?.split("|").map((cell) => cell.trim()).slice(1, -1);

  it("shows the processor's floor invocation and the hop beside its own breakdown", () => {
    const some = results({ batches: [batch(10, 0.8)] });
    expect(rowOf(formatResults({ ...some, targets: evaluateTargets(some) }), "10 ")).to.deep.equal(
      ["10", "1000", "9.1 / 8.2 / 2.3 / 4.4", "1250", "7.7", "0.35", "9000", "600 (200)", "0.8×", "0.11×", "1.7× (5×)"],
    );
  });

  it("shows each ingest handler against its floor", () => {
    const some = results({ ingest: ingest([ingestFloor("/events", 0.8), ingestFloor("/events/batch", 0.72)]) });
    const text = formatResults({ ...some, targets: evaluateTargets(some) });
    expect(rowOf(text, "POST /events, 1 event ")).to.deep.equal(["POST /events, 1 event", "700", "1.6 / 1.3", "875", "1.1", "0.8×"]);
    expect(rowOf(text, "POST /events/batch, 100 events")).to.deep.equal(["POST /events/batch, 100 events", "700", "1.6 / 1.3", "972", "1.1", "0.72×"]);
  });

  it("keeps the hello-world ratio, init ms and KB at init in the cold-start table, with the init floor beside them", () => {
    const some = results({ coldStart: coldStart({ processor: 1.25 }) });
    const text = formatResults({ ...some, targets: evaluateTargets(some) });
    expect(rowOf(text, "processor")).to.deep.equal(["processor", "341.8 of 585.9 / 200 / 2.5×", "341.8 of 585.9 / 160 / 2×", "bundled", "bundled", "341.8 / 128", "1.25×"]);
    expect(rowOf(text, "migrate")?.slice(-2)).to.deep.equal(["—", "—"]);
    expect(text).to.include("hello world 80 ms");
  });
});
