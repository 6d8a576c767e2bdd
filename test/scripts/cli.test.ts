import { expect } from "chai";
import { integerSetting, parseCli, requireSettings, usage, UsageError, type CommandSpec, type OptionSpec } from "../../scripts/lib/cli";
import { formatDuration, progress } from "../../scripts/lib/progress";
import { formatTable } from "../../scripts/lib/table";

const command = {
  name: "demo",
  summary: "Does a demo.",
  options: {
    endpoint: { env: "API_ENDPOINT", placeholder: "url", description: "where" },
    repeat: { default: "1", description: "how often" },
  },
} satisfies CommandSpec<Record<string, OptionSpec>>;

describe("scripts/lib/cli", () => {
  it("takes a flag over the environment, and the environment over the default", () => {
    expect(parseCli(command, ["--endpoint", "http://flag"], { API_ENDPOINT: "http://env" })).to.deep.equal({ endpoint: "http://flag", repeat: "1" });
    expect(parseCli(command, ["--repeat=3"], { API_ENDPOINT: " http://env " })).to.deep.equal({ endpoint: "http://env", repeat: "3" });
    expect(parseCli(command, [], { API_ENDPOINT: "" })).to.deep.equal({ endpoint: undefined, repeat: "1" });
  });

  it("answers --help with undefined and rejects unknown flags and stray arguments as usage errors", () => {
    expect(parseCli(command, ["--help"], {})).to.equal(undefined);
    expect(() => parseCli(command, ["--bogus"], {})).to.throw(UsageError, /bogus/);
    expect(() => parseCli(command, ["stray"], {})).to.throw(UsageError);
  });

  it("names every missing setting with its flag and variable", () => {
    const values = parseCli(command, [], {})!;
    expect(() => requireSettings(command, values, ["endpoint"])).to.throw(UsageError, "missing required setting: --endpoint (or API_ENDPOINT)");
    expect(() => requireSettings(command, { ...values, endpoint: "http://x" }, ["endpoint"])).not.to.throw();
  });

  it("accepts whole numbers within bounds only", () => {
    expect(integerSetting("repeat", "10", { min: 1, max: 10 })).to.equal(10);
    for (const bad of ["0", "11", "1.5", "-1", "x", undefined]) {
      expect(() => integerSetting("repeat", bad, { min: 1, max: 10 })).to.throw(UsageError, "--repeat must be a whole number from 1 to 10");
    }
  });

  it("prints usage with each flag's variable and default", () => {
    const text = usage(command);
    expect(text).to.match(/^Usage: npm run demo -- \[options\]/);
    expect(text).to.include("--endpoint <url>  where (env API_ENDPOINT)");
    expect(text).to.include("--repeat <value>  how often (default 1)");
    expect(text).to.include("--help");
  });
});

describe("scripts/lib/table", () => {
  it("pads every column but the last to its widest cell", () => {
    expect(formatTable(["check", "result"], [["health", "pass"], ["DLQ empty", "FAIL"]])).to.equal(
      ["check      result", "---------  ------", "health     pass", "DLQ empty  FAIL"].join("\n"),
    );
  });
});

describe("scripts/lib/progress", () => {
  it("shows the count, the rate so far and the time left at that rate, a line per tenth when piped", () => {
    const lines: string[] = [];
    let now = 0;
    const bar = progress("replayed", 1000, { write: (text: string) => lines.push(text) > 0, isTTY: false }, () => now);
    now = 10_000;
    bar.advance(250);
    now = 20_000;
    bar.advance(10);
    expect(lines).to.deep.equal(["replayed 250/1000  25.0/s  ETA 30s\n"]);
  });

  it("writes durations as a person reads them", () => {
    expect([formatDuration(42), formatDuration(185), formatDuration(7620)]).to.deep.equal(["42s", "3m05s", "2h07m"]);
  });
});
