import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { stackSizing, topologySizing } from "../../scripts/local-stack/sizing";

const read = (file: string) => readFileSync(path.resolve(__dirname, "..", "..", file), "utf8");
const readme = read("README.md");
const performance = read("docs/PERFORMANCE.md");

/** A row of PERFORMANCE.md's end-to-end table, by its first cell, as `npm run bench` renders it. */
function endToEndRow(offered: string): { readableP50: string; readableP95: string } {
  const row = performance.split("\n").find((line) => line.startsWith(`| ${offered} `));
  const cells = String(row).split("|").map((cell) => cell.trim());
  return { readableP50: cells[5], readableP95: cells[6] };
}

describe("docs: the README on when an accepted event becomes readable", () => {
  it("gives the batching windows the topology and prod's stack file set", () => {
    const dev = topologySizing().queue.batchingWindowSeconds;
    const prod = stackSizing("prod").queue.batchingWindowSeconds;

    expect(readme).to.include(`(${dev} s by default, \`fluxa:sqsBatchingWindowSeconds\`; prod ${prod} s)`);
  });

  it("quotes the bench's 202→readable p50 and p95 as PERFORMANCE.md last recorded them", () => {
    const single = endToEndRow("100/s × 30 s");
    const batched = endToEndRow("500/s × 30 s, batches of 10");

    expect(readme).to.match(/202→readable p50 [\d.]+ ms and p95 [\d.]+ ms at 100 single-event POSTs per second/);
    expect(readme).to.include(`202→readable p50 ${single.readableP50} ms and p95 ${single.readableP95} ms at 100 single-event POSTs per second`);
    expect(readme).to.include(`p95 ${batched.readableP95} ms at 500 events/s through \`POST /events/batch\``);
  });

  it("shows the read after the 202 retrying a 404", () => {
    expect(readme).to.match(/for attempt in .*; do curl -sf \$API\/events\/\$ID -H "x-api-key: \$KEY" && break; sleep 1; done/);
  });
});
