import { expect } from "chai";
import { runScript } from "./run-script";

describe("preview:offline", function () {
  this.timeout(120_000);

  it("prints each stack's connection budget: demand by function, supply and headroom", async () => {
    const run = await runScript("preview-offline", ["--diff"]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.include("Connection budget of dev: max_connections 112 (db.t4g.micro: 1 GiB / 9531392), 5 reserved by RDS");
    expect(run.stdout).to.match(/processor\s+10\s+processorMaximumConcurrency 5 × dbPoolSize 2/);
    expect(run.stdout).to.include("demand 36, supply 102 (max_connections 112 less 5 reserved and 5 for operators), headroom 66");
    expect(run.stdout).to.include("Connection budget of prod: max_connections 901 (db.m7g.large: 8 GiB / 9531392)");
    expect(run.stdout).to.include("demand 206, supply 810 (RDS Proxy's 90% of max_connections 901), headroom 604");
  });
});
