import { expect } from "chai";
import { escapeXml, lineChart, niceStep } from "../../scripts/bench/svg-chart";
import { benchCharts, endToEndLatencyChart } from "../../scripts/bench/charts";
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
});
