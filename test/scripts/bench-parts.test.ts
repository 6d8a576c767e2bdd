import { expect } from "chai";
import { UsageError, usage } from "../../scripts/lib/cli";
import { benchCommand, benchParts, benchPartsToRun, defaultStoreRows, storeRowsOf } from "../../scripts/bench/parts";

describe("bench --only", () => {
  it("measures every part but the store when no part is named (the store at size takes longer than the rest together)", () => {
    expect(benchPartsToRun([])).to.deep.equal(benchParts.filter((part) => part !== "store"));
    expect(benchPartsToRun(["--only", "store"])).to.deep.equal(["store"]);
  });

  it("generates 10 million rows for the store unless --store-rows or FLUXA_BENCH_STORE_ROWS says otherwise, and refuses a bad count naming the flag", () => {
    expect(storeRowsOf(["--only", "store"], {})).to.equal(defaultStoreRows);
    expect(defaultStoreRows).to.equal(10_000_000);
    expect(storeRowsOf(["--only", "store", "--store-rows", "1000000"], {})).to.equal(1_000_000);
    expect(storeRowsOf(["--only", "store"], { FLUXA_BENCH_STORE_ROWS: "50000" })).to.equal(50_000);
    for (const bad of ["1e6", "100", "200000000", "ten"]) expect(() => storeRowsOf(["--store-rows", bad], {})).to.throw(UsageError, "--store-rows takes a whole number from 10000 to 100000000");
  });

  it("measures only the named parts, in the bench's order", () => {
    expect(benchPartsToRun(["--only", "processor"])).to.deep.equal(["processor"]);
    expect(benchPartsToRun(["--only=processor, cold-start"])).to.deep.equal(["cold-start", "processor"]);
  });

  it("refuses an unknown or empty part and stray arguments as usage errors, naming the parts", () => {
    expect(() => benchPartsToRun(["--only", "processer"])).to.throw(UsageError, '--only takes cold-start, processor, pipeline, ingest, end-to-end, log-volume, client, db-ceiling, store (comma-separated), got "processer"');
    expect(() => benchPartsToRun(["--only", ""])).to.throw(UsageError, "--only takes");
    expect(() => benchPartsToRun(["processor"])).to.throw(UsageError);
  });

  it("answers --help with undefined and lists the parts in the usage text", () => {
    expect(benchPartsToRun(["--help"])).to.equal(undefined);
    expect(usage(benchCommand)).to.include("comma-separated parts to measure: cold-start, processor, pipeline, ingest, end-to-end, log-volume, client, db-ceiling, store");
  });
});
