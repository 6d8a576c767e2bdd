import { expect } from "chai";
import { escapeXml, lineChart, niceStep } from "../../scripts/bench/svg-chart";
import { benchCharts, databaseCeilingChart, endToEndLatencyChart } from "../../scripts/bench/charts";
import type { DatabaseCeiling } from "../../scripts/bench/database-capacity";
import type { EndToEnd } from "../../scripts/bench/end-to-end";

const latency = (p50Ms: number, p95Ms: number, p99Ms: number, maxMs: number) => ({ samples: 100, p50Ms, p95Ms, p99Ms, maxMs });

function run(offeredPerSecond: number, eventsPerRequest: number, readable: ReturnType<typeof latency>): EndToEnd {
  return {
    offeredPerSecond,
    eventsPerRequest,
    seconds: 30,
    accepted: 100,
    rejectedByStatus: {},
    acceptLatency: latency(1, 2, 3, 4),
    readableAfterAccept: readable,
    neverReadable: 0,
    probeIntervalMs: 10,
  };
}

const polylines = (svg: string) => [...svg.matchAll(/<polyline [^>]*points="([^"]+)"/g)].map((m) => m[1].split(" ").map((p) => p.split(",").map(Number)));

describe("bench charts (SVG)", () => {
  it("draws one line per series, its points left to right, higher values higher up, inside the view box", () => {
    const svg = lineChart({ title: "t", xLabel: "x", yLabel: "y", series: [{ name: "a", points: [[0, 10], [1, 40]] }, { name: "b", points: [[0, 5], [1, 5]] }] });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 360"')).to.equal(true);
    const [a, b] = polylines(svg);
    expect(a).to.have.length(2);
    expect(a[1][0]).to.be.greaterThan(a[0][0]);
    expect(a[1][1]).to.be.lessThan(a[0][1]);
    expect(b[0][1]).to.equal(b[1][1]);
    for (const [x, y] of [...a, ...b]) expect(x >= 0 && x <= 640 && y >= 0 && y <= 360).to.equal(true);
  });

  it("names every series in the legend and escapes text", () => {
    const svg = lineChart({ title: "a < b & c", xLabel: "x", yLabel: "y", series: [{ name: "500/s", points: [[0, 1]] }] });
    expect(svg).to.include(">a &#60; b &#38; c</text>");
    expect(svg).to.include(">500/s</text>");
    expect(escapeXml(`"'`)).to.equal("&#34;&#39;");
  });

  it("refuses a chart without points, naming it", () => {
    expect(() => lineChart({ title: "empty", xLabel: "x", yLabel: "y", series: [] })).to.throw('chart "empty" has no points');
  });

  it("puts the y axis on round steps", () => {
    expect([niceStep(7), niceStep(37), niceStep(316.7), niceStep(1200)]).to.deep.equal([2, 10, 100, 500]);
  });

  it("charts each offered load's 202→readable percentiles, and is written only when end to end was measured", () => {
    const svg = endToEndLatencyChart([run(100, 1, latency(95, 237, 291, 1014)), run(500, 10, latency(8, 19, 37, 110))]);
    expect(polylines(svg)).to.have.length(2);
    expect(svg).to.include(">500/s, batches of 10</text>");
    for (const label of ["p50", "p95", "p99", "max"]) expect(svg).to.include(`>${label}</text>`);
    expect(Object.keys(benchCharts({ endToEnd: [run(100, 1, latency(1, 2, 3, 4))] }))).to.deep.equal(["docs/end-to-end-latency.svg"]);
    expect(benchCharts({})).to.deep.equal({});
  });

  it("charts events/s against 1, 2, 4 and 8 environments evenly spaced, one line per batch size", () => {
    const ceiling = (batchSize: number, rates: number[]): DatabaseCeiling => ({
      batchSize,
      stepSeconds: 3,
      steps: rates.map((eventsPerSecond, index) => ({
        environments: 2 ** index,
        events: eventsPerSecond * 3,
        seconds: 3,
        eventsPerSecond,
        batch: latency(5, 9, 10, 11),
        postgresCpuSeconds: 1,
        eventsPerPostgresCpuSecond: 4000,
        walBytesPerEvent: 800,
      })),
      bendsAfterEnvironments: 2,
      ceilingEventsPerSecond: Math.max(...rates),
      eventsPerPostgresCpuSecond: 4000,
      walBytesPerEvent: 800,
    });
    const svg = databaseCeilingChart([ceiling(10, [1000, 1800, 1900, 1950]), ceiling(50, [3000, 5000, 5200, 5100])]);
    const [batch10] = polylines(svg);
    const xs = batch10.map(([x]) => x);
    // Doublings are equal steps apart.
    expect(xs[1] - xs[0]).to.be.closeTo(xs[3] - xs[2], 0.2);
    for (const label of ["1", "2", "4", "8", "batch 10", "batch 50"]) expect(svg).to.include(`>${label}</text>`);
    expect(Object.keys(benchCharts({ databaseCeiling: [ceiling(10, [1, 2, 3, 4])] }))).to.deep.equal(["docs/database-ceiling.svg"]);
  });
});
