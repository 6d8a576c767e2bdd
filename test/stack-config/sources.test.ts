import assert from "node:assert/strict";
import { parseConfig } from "../../stack-config/config";
import { keySlots } from "../../stack-config/sources";
import { configProblems } from "../infra/stack-config";

/** parseConfig with `fluxa:sources` set to this list (as Pulumi hands structured config: JSON text). */
function withSources(sources: unknown, extra: Record<string, string> = {}) {
  return parseConfig({ sources: JSON.stringify(sources), ...extra }, "dev", "eu-west-1");
}

function refusal(sources: unknown, extra: Record<string, string> = {}): string[] {
  const problems = configProblems({ sources: JSON.stringify(sources), ...extra });
  assert.ok(problems.length > 0, `accepted ${JSON.stringify(sources)}`);
  return problems;
}

describe("stack config: fluxa:sources", () => {
  it("without the key, serves one source named default with the stage's limits and one key", () => {
    const config = parseConfig({ apiThrottleRateLimit: "80", apiQuotaPeriod: "WEEK" }, "dev", "eu-west-1");
    assert.deepEqual(config.sources, [{ name: "default", rateLimit: 80, burstLimit: 100, quotaLimit: 100000, quotaPeriod: "WEEK", keys: 1, firstKey: 1 }]);
  });

  it("fills each source's limits from the stage's and reads its key slots", () => {
    const [web, mobile] = withSources([{ name: "web", rateLimit: 40, burstLimit: 80, keys: 2 }, { name: "mobile", quotaLimit: 500, quotaPeriod: "MONTH", firstKey: 3 }]).sources;
    assert.deepEqual(web, { name: "web", rateLimit: 40, burstLimit: 80, quotaLimit: 100000, quotaPeriod: "DAY", keys: 2, firstKey: 1 });
    assert.deepEqual(mobile, { name: "mobile", rateLimit: 50, burstLimit: 100, quotaLimit: 500, quotaPeriod: "MONTH", keys: 1, firstKey: 3 });
    assert.deepEqual([keySlots(web), keySlots(mobile)], [[1, 2], [3]]);
  });

  const refusals: [string, unknown, RegExp][] = [
    ["an empty list", [], /^fluxa:sources: must list at least one source/],
    ["a value that is not a list", { name: "web" }, /^fluxa:sources: must be a list of sources/],
    ["an entry that is not a mapping", ["web"], /^fluxa:sources: entry 1: must be a mapping/],
    ["a malformed name", [{ name: "Web" }], /^fluxa:sources: entry 1 \("Web"\): name must match/],
    ["a name too long", [{ name: `a${"b".repeat(32)}` }], /^fluxa:sources: entry 1 \("ab+"\): name must match/],
    ["a missing name", [{ rateLimit: 5 }], /^fluxa:sources: entry 1: name must match .*got undefined/],
    ["a duplicate name", [{ name: "web" }, { name: "web" }], /^fluxa:sources: entry 2 \("web"\): name "web" is used by an earlier entry/],
    ["no key slot", [{ name: "web", keys: 0 }], /^fluxa:sources: entry 1 \("web"\): keys must be a whole number of at least 1, got 0/],
    ["three key slots", [{ name: "web", keys: 3 }], /^fluxa:sources: entry 1 \("web"\): keys must be at most 2, got 3/],
    ["a rate above the stage's", [{ name: "web", rateLimit: 51 }], /^fluxa:sources: entry 1 \("web"\): rateLimit 51 is above the stage's fluxa:apiThrottleRateLimit \(50\)/],
    ["a burst above the stage's", [{ name: "web" }, { name: "mobile", burstLimit: 101 }], /^fluxa:sources: entry 2 \("mobile"\): burstLimit 101 is above the stage's fluxa:apiThrottleBurstLimit \(100\)/],
    ["a fractional rate", [{ name: "web", rateLimit: 2.5 }], /^fluxa:sources: entry 1 \("web"\): rateLimit must be a whole number/],
    ["an unknown quota period", [{ name: "web", quotaPeriod: "YEAR" }], /^fluxa:sources: entry 1 \("web"\): quotaPeriod must be one of DAY, WEEK, MONTH/],
    ["an unknown field", [{ name: "web", rate: 5 }], /^fluxa:sources: entry 1 \("web"\): unknown field "rate"/],
  ];
  for (const [what, sources, expected] of refusals) {
    it(`refuses ${what}, naming fluxa:sources and the entry`, () => {
      const problems = refusal(sources);
      assert.equal(problems.length, 1, problems.join("\n"));
      assert.match(problems[0], expected);
    });
  }

  it("checks a source's rate against the stage's own configured throttle", () => {
    assert.equal(withSources([{ name: "web", rateLimit: 500 }], { apiThrottleRateLimit: "500" }).sources[0].rateLimit, 500);
    assert.match(refusal([{ name: "web", rateLimit: 500 }], { apiThrottleRateLimit: "400" })[0], /rateLimit 500 is above the stage's fluxa:apiThrottleRateLimit \(400\)/);
  });

  it("refuses text that is not structured config", () => {
    assert.throws(() => parseConfig({ sources: "web,mobile" }, "dev", "eu-west-1"), /fluxa:sources: must be a list of sources \(structured config/);
  });
});
