import { expect } from "chai";
import { UsageError, usage } from "../../scripts/lib/cli";
import { benchCommand, benchParts, benchPartsToRun } from "../../scripts/bench/parts";

describe("bench --only", () => {
  it("measures every part when no part is named", () => {
    expect(benchPartsToRun([])).to.deep.equal([...benchParts]);
  });

  it("measures only the named parts, in the bench's order", () => {
    expect(benchPartsToRun(["--only", "processor"])).to.deep.equal(["processor"]);
    expect(benchPartsToRun(["--only=processor, cold-start"])).to.deep.equal(["cold-start", "processor"]);
  });

  it("refuses an unknown or empty part and stray arguments as usage errors, naming the parts", () => {
    expect(() => benchPartsToRun(["--only", "processer"])).to.throw(UsageError, '--only takes cold-start, processor, pipeline, ingest, end-to-end, log-volume, client, db-ceiling (comma-separated), got "processer"');
    expect(() => benchPartsToRun(["--only", ""])).to.throw(UsageError, "--only takes");
    expect(() => benchPartsToRun(["processor"])).to.throw(UsageError);
  });

  it("answers --help with undefined and lists the parts in the usage text", () => {
    expect(benchPartsToRun(["--help"])).to.equal(undefined);
    expect(usage(benchCommand)).to.include("--only <parts>  comma-separated parts to measure: cold-start, processor, pipeline, ingest, end-to-end, log-volume, client, db-ceiling");
  });
});
