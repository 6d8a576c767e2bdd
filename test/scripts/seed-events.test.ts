import { expect } from "chai";
import { decodeEventInput } from "../../functions/shared/event-schema";
import { sampleSet, summaryTable, type PostOutcome } from "../../scripts/seed-events";
import { runScript } from "./run-script";

describe("seed-events", () => {
  const samples = sampleSet("abc123", new Date("2026-11-25T12:00:00Z"));

  it("builds samples the API accepts, tagged with the run", () => {
    for (const { label, event } of samples) {
      expect(decodeEventInput(event), label).to.deep.include({ ok: true });
      expect(event.user_id).to.match(/^seed-abc123-/);
    }
  });

  it("has inline samples and one whose body alone exceeds SQS's 262,144 bytes", () => {
    const sizes = samples.map((s) => Buffer.byteLength(JSON.stringify(s.event)));
    expect(sizes.filter((bytes) => bytes > 262_144)).to.have.length(1);
    expect(sizes.filter((bytes) => bytes < 4_096)).to.have.length(samples.length - 1);
  });

  it("summarises outcomes per sample", () => {
    const outcomes: PostOutcome[] = [
      { sample: samples[0], status: 202, eventId: "id-1" },
      { sample: samples[0], status: 503, problem: "503 enqueue_failed" },
      { sample: samples[2], status: 0, problem: "request failed" },
    ];
    const lines = summaryTable(outcomes).split("\n");
    expect(lines[0]).to.match(/^sample\s+sent\s+accepted\s+an event_id$/);
    expect(lines[2]).to.match(/^card purchase\s+2\s+1\s+id-1$/);
    expect(lines[3]).to.match(/^no metadata\s+1\s+0\s+-$/);
  });

  it("prints usage on --help", async () => {
    const run = await runScript("seed-events", ["--help"]);
    expect(run.code).to.equal(0);
    expect(run.stdout).to.include("Usage: npm run seed-events -- [options]");
  });
});
