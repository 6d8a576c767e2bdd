import { expect } from "chai";
import { Writable } from "node:stream";
import { Console } from "node:console";
import { createMetrics, recordPerSource } from "../../../functions/shared/metrics";

/** The processor's Powertools Metrics, its EMF lines captured instead of printed. */
function capturedMetrics(): { metrics: ReturnType<typeof createMetrics>; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const metrics = createMetrics("processor");
  const original = metrics.singleMetric.bind(metrics);
  metrics.singleMetric = () => Object.assign(original(), { console: new Console({ stdout: sink, stderr: sink }) });
  return { metrics, lines };
}

describe("metrics: a metric per source", () => {
  it("writes one EMF line per source under its source and the service, batch after batch, with one recorder per source", () => {
    const { metrics, lines } = capturedMetrics();
    let built = 0;
    const singleMetric = metrics.singleMetric.bind(metrics);
    metrics.singleMetric = () => (built++, singleMetric());
    for (let batch = 0; batch < 3; batch++) recordPerSource(metrics, "processed_success", new Map([["web", 10 + batch], ["mobile", 1]]));
    expect(built).to.equal(2);
    expect(lines.map((line) => [line.source, line.service, line.processed_success])).to.deep.equal([
      ["web", "processor", 10], ["mobile", "processor", 1],
      ["web", "processor", 11], ["mobile", "processor", 1],
      ["web", "processor", 12], ["mobile", "processor", 1],
    ]);
    const dimensions = lines.map((line) => (line._aws as { CloudWatchMetrics: { Dimensions: string[][] }[] }).CloudWatchMetrics[0].Dimensions);
    for (const set of dimensions) expect(set).to.deep.equal([["service", "source"]]);
  });
});
