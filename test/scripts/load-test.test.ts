import { expect } from "chai";
import { summarise } from "../../scripts/load-test";
import { runScript } from "./run-script";

describe("load-test", () => {
  it("prints usage with the seed's variables on --help", async () => {
    const run = await runScript("load-test", ["--help"]);
    expect(run.code).to.equal(0);
    expect(run.stdout).to.include("Usage: npm run load-test -- [options]");
    expect(run.stdout).to.match(/--events <n>\s+requests to send \(env NUM_EVENTS; default 2000\)/);
    expect(run.stdout).to.match(/--concurrency <n>\s+connections sending at once \(env CONCURRENCY; default 50\)/);
  });

  it("names every missing setting and refuses a bad count, with exit 2", async () => {
    const missing = await runScript("load-test", []);
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.include("missing required settings: --endpoint (or API_ENDPOINT), --key (or API_KEY)");

    const zero = await runScript("load-test", [], { API_ENDPOINT: "http://127.0.0.1:9", API_KEY: "k", CONCURRENCY: "0" });
    expect(zero.code).to.equal(2);
    expect(zero.stderr).to.include('--concurrency must be a whole number from 1 to 10000, got "0"');

    const notHttp = await runScript("load-test", ["--endpoint", "ftp://x", "--key", "k"]);
    expect(notHttp.code).to.equal(2);
    expect(notHttp.stderr).to.include('--endpoint must be an http(s):// URL, got "ftp://x"');
  });

  it("counts everything that was not a 202 as failed, by status, connection error and timeout", () => {
    const { text, failed } = summarise("http://api/events", 5, {
      numEvents: 10,
      seconds: 2,
      byStatus: { "202": 6, "503": 1 },
      connectionErrors: 2,
      timeouts: 1,
      latencies: [10, 20, 30, 40, 50, 60, 70],
    });
    expect(failed).to.equal(4);
    expect(text).to.match(/^accepted \(202\)\s+6$/m);
    expect(text).to.match(/^throughput\s+3\.0 events\/s \(throughput_events_per_min 180\)$/m);
    expect(text).to.match(/^errors by status\s+503: 1, connection errors: 2, timeouts: 1$/m);
  });
});
