import { expect } from "chai";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { runScript } from "./run-script";

describe("preview:offline", function () {
  this.timeout(120_000);

  let dir: string;
  before(() => (dir = mkdtempSync(path.join(tmpdir(), "fluxa-preview-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  let benchResults: string;
  before(() => {
    // One processor environment at dev's batch of 10 and prod's of 50, as a bench run would have measured it.
    benchResults = path.join(dir, "bench-results.json");
    const batches = [
      { batchSize: 10, fluxa: { eventsPerSecond: 1000 } },
      { batchSize: 50, fluxa: { eventsPerSecond: 2000 } },
    ];
    // PostgreSQL's CPU time per event at each batch size, as the database ceiling would have measured it.
    const databaseCeiling = [
      { batchSize: 10, eventsPerPostgresCpuSecond: 5000, walBytesPerEvent: 1000 },
      { batchSize: 50, eventsPerPostgresCpuSecond: 20000, walBytesPerEvent: 1000 },
    ];
    writeFileSync(benchResults, JSON.stringify({ date: "2026-12-03T07:00:00.000Z", processor: { batches }, databaseCeiling }));
  });

  it("prints each stack's connection budget, and its capacity from the bench results given", async () => {
    const run = await runScript("preview-offline", ["--diff", "--bench-results", benchResults]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.include("Connection budget of dev: max_connections 112 (db.t4g.micro: 1 GiB / 9531392), 5 reserved by RDS");
    expect(run.stdout).to.match(/processor\s+10\s+processorMaximumConcurrency 5 × dbPoolSize 2/);
    expect(run.stdout).to.include("demand 40, supply 102 (max_connections 112 less 5 reserved and 5 for operators), headroom 62");
    expect(run.stdout).to.include("Connection budget of prod: max_connections 901 (db.m7g.large: 8 GiB / 9531392)");
    expect(run.stdout).to.include("demand 210, supply 810 (RDS Proxy's 90% of max_connections 901), headroom 600");
    // dev: 10 ms a batch locally, × 1769/512 on Lambda = 289 ev/s per environment, × 5 = 1447.
    expect(run.stdout).to.match(/Capacity of dev \(from .*bench-results.json of 2026-12-03T07:00:00.000Z\): 1447 events\/s, limited by the processors/);
    expect(run.stdout).to.include("* processors: 1447 events/s (289 events/s per environment × 5 (processorMaximumConcurrency))");
    // db.t4g.micro: 2 vCPUs × 5,000 events per PostgreSQL CPU-second; 10 % of that on its credits; 3,000 IOPS × 10 per commit;
    // 125 MiB/s over 2 × 1,000 WAL bytes per event.
    expect(run.stdout).to.include("database db.t4g.micro (2 vCPU, 1 GiB): CPU 10000 (1000 within the burstable baseline), IOPS 30000, throughput 65536 events/s");
    // prod: 25 ms a batch of 50 locally, × 1769/1024 + 2 ms for the standby = 45.2 ms, 1106 ev/s per environment, × 50 = 55,324;
    // SNS takes 9,000 messages/s in eu-west-1, which binds first.
    expect(run.stdout).to.match(/Capacity of prod \(.*\): 9000 events\/s, limited by the SNS publish quota/);
    expect(run.stdout).to.include("  processors: 55324 events/s");
    expect(run.stdout).to.include("API throttle: 100000 events/s (least of account 10000, stage 1000 and usage plans 1000 requests/s, × 100 events per POST /events/batch)");
    expect(run.stdout).to.include("database db.m7g.large (2 vCPU, 8 GiB, Multi-AZ): CPU 40000, IOPS 150000, throughput 65536 events/s");
  });

  it("prints each source's limits and their sum against the stage's throttle and the capacity", async () => {
    const run = await runScript("preview-offline", ["--diff", "--bench-results", benchResults]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.include("Sources of prod: 3");
    expect(run.stdout).to.match(/partner\s+100\s+200\s+5000000 per month\s+1/);
    // prod: 600 + 300 + 100 of the stage's 1,000 requests/s; dev: 30 + 20 of its 50.
    expect(run.stdout).to.include("sum of rates 1000 requests/s against the stage's throttle 1000 requests/s (100%) and the capacity 9000 events/s (11%)");
    expect(run.stdout).to.include("sum of rates 50 requests/s against the stage's throttle 50 requests/s (100%)");
  });

  it("prints how each stack's queue rides out an outage: backoff, the redrive policy's maxReceiveCount, the outage it survives", async () => {
    const run = await runScript("preview-offline", ["--diff", "--bench-results", path.join(dir, "missing.json")]);
    expect(run.code, run.stderr).to.equal(0);
    for (const stack of ["dev", "prod"]) {
      expect(run.stdout).to.include(`Retries of ${stack}: visibility timeout 180 s (6 × the processor's 30 s)`);
    }
    expect(run.stdout).to.include("comes back after 180 s, doubling at each receive to at most 1800 s");
    // 180 s doubling to a 1,800 s cap: 339 receives wait 605,700 s before SQS moves the message to the DLQ.
    expect(run.stdout).to.include("maxReceiveCount 339 (the safety net): it waits out a 7.0-day outage before SQS dead-letters it");
    expect(run.stdout).to.include("dead-lettered by the processor at its 3rd failure");
  });

  it("says how to get a capacity when there are no bench results", async () => {
    const run = await runScript("preview-offline", ["--stack", "dev", "--bench-results", path.join(dir, "missing.json")]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.include("Capacity of dev: no bench results");
    expect(run.stdout).to.include("run npm run bench");
  });

  it("prints its usage on --help", async () => {
    const run = await runScript("preview-offline", ["--help"]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.include("Usage: npm run preview:offline -- [options]");
    for (const flag of ["--stack <name>", "--diff", "--policy ", "--policy-pack <dir>", "--bench-results <file>"]) expect(run.stdout).to.include(flag);
  });

  it("names the stacks that exist when asked for another, and refuses a value for --policy", async () => {
    const unknown = await runScript("preview-offline", ["--stack", "staging"]);
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.include('unknown stack "staging": the stacks are dev, prod (Pulumi.<stack>.yaml)');
    expect(unknown.stderr).not.to.include("ENOENT");
    const valued = await runScript("preview-offline", ["--policy=strict"]);
    expect(valued.code).to.equal(2);
    expect(valued.stderr).to.include("Option '--policy' does not take an argument");
  });

  describe("--policy", () => {
    const pack = (name: string, source: string) => {
      const packDir = path.join(dir, name);
      mkdirSync(packDir);
      writeFileSync(path.join(packDir, "PulumiPolicy.yaml"), "runtime: nodejs\n");
      writeFileSync(path.join(packDir, "pack.ts"), source);
      return packDir;
    };

    it("exits 2 with the reason when the pack fails to load", async () => {
      const broken = pack("broken", 'import "no-such-policy-dependency";\nexport const pack = { policies: [] };\n');
      const run = await runScript("preview-offline", ["--stack", "dev", "--policy", "--policy-pack", broken]);
      expect(run.code).to.equal(2);
      expect(run.stderr).to.match(/the policy pack in .*broken fails to load .*Cannot find module 'no-such-policy-dependency'/);
    });

    it("exits 1 listing every mandatory violation with its policy and resource, not only the first", async () => {
      const noQueues = pack(
        "no-queues",
        `export const pack = { name: "fixture", enforcementLevel: "mandatory", config: {}, policies: [{
          name: "no-queues", description: "no SQS queues",
          validateResource: (args: { type: string; name: string }, report: (m: string) => void) => { if (args.type === "aws:sqs/queue:Queue") report("a queue: " + args.name); },
        }] };\n`,
      );
      const run = await runScript("preview-offline", ["--stack", "dev", "--policy", "--policy-pack", noQueues, "--bench-results", path.join(dir, "missing.json")]);
      expect(run.code, run.stderr).to.equal(1);
      expect(run.stdout).to.include("mandatory  no-queues  urn:pulumi:dev::fluxa::fluxa:index:EventPipeline$aws:sqs/queue:Queue::fluxa-pipeline-queue");
      expect(run.stdout).to.include("mandatory  no-queues  urn:pulumi:dev::fluxa::fluxa:index:EventPipeline$aws:sqs/queue:Queue::fluxa-pipeline-dlq");
      expect(run.stdout).to.include("a queue: fluxa-pipeline-dlq");
      expect(run.stdout).to.include("2 mandatory, 0 advisory violations");
    });
  });
});
