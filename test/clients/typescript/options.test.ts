import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { FluxaClient, FluxaOptionsError } from "../../../clients/typescript/src";
import { numericOptions, resolveOptions, type FluxaClientOptions } from "../../../clients/typescript/src/options";

const required = { endpoint: "http://127.0.0.1:1/", apiKey: "k" };

function refusal(options: unknown): FluxaOptionsError {
  try {
    resolveOptions(options as FluxaClientOptions);
  } catch (error) {
    expect(error).to.be.instanceOf(FluxaOptionsError);
    return error as FluxaOptionsError;
  }
  throw new Error(`options ${JSON.stringify(options)} were accepted`);
}

describe("TypeScript client: options", () => {
  it("fills every default and drops the endpoint's trailing slash", () => {
    const resolved = resolveOptions(required);
    expect(resolved.endpoint).to.equal("http://127.0.0.1:1");
    for (const [name, spec] of Object.entries(numericOptions)) expect(resolved[name as keyof typeof numericOptions], name).to.equal(spec.default);
    expect(resolved).to.include({ whenFull: "wait", drainOnExit: true, fetch: globalThis.fetch });
  });

  it("refuses a bad option by name, saying what it takes", () => {
    const cases: [unknown, string, RegExp][] = [
      [{ apiKey: "k" }, "endpoint", /http\(s\) URL/],
      [{ ...required, endpoint: "ftp://x" }, "endpoint", /http\(s\) URL, got "ftp:\/\/x"/],
      [{ ...required, apiKey: "" }, "apiKey", /non-empty/],
      [{ ...required, maxBatchEvents: 101 }, "maxBatchEvents", /integer from 1 to 100, got 101/],
      [{ ...required, flushIntervalMs: 1.5 }, "flushIntervalMs", /got 1.5/],
      [{ ...required, whenFull: "drop" }, "whenFull", /"wait" or "fail"/],
      [{ ...required, apikey: "k" }, "apikey", /is not an option/],
      [{ ...required, initialBackoffMs: 500, maxBackoffMs: 100 }, "initialBackoffMs", /must not exceed maxBackoffMs/],
      [{ ...required, maxBatchBytes: 2_000_000, maxBufferedBytes: 1_000_000 }, "maxBatchBytes", /must not exceed maxBufferedBytes/],
    ];
    for (const [options, option, message] of cases) {
      const error = refusal(options);
      expect(error.option, JSON.stringify(options)).to.equal(option);
      expect(error.message).to.match(message).and.to.include(`FluxaClient option ${option}`);
    }
    expect(() => new FluxaClient({ ...required, maxAttempts: 0 })).to.throw(FluxaOptionsError, /maxAttempts/);
  });

  it("documents every option, with the defaults the code uses, in the package README", () => {
    const readme = readFileSync(path.join(__dirname, "..", "..", "..", "clients", "typescript", "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Options"), readme.indexOf("\n## ", readme.indexOf("## Options")));
    const rows = new Map([...section.matchAll(/^\| `(\w+)` \| ([^|]+) \|/gm)].map((m) => [m[1], m[2].trim()]));
    const others = ["endpoint", "apiKey", "whenFull", "drainOnExit", "logger", "fetch"];
    expect([...rows.keys()].sort()).to.deep.equal([...Object.keys(numericOptions), ...others].sort());
    for (const [name, spec] of Object.entries(numericOptions)) expect(parseInt(rows.get(name) ?? "", 10), name).to.equal(spec.default);
  });
});
