import assert from "node:assert/strict";
import { throttleMessage, throttleSummary } from "../../scripts/local-stack/throttle-report";
import { topologySizing, withOverrides, type LocalSizing } from "../../scripts/local-stack/sizing";

describe("local stack: throttle report", () => {
  const counts: Record<string, number> = { ingest: 23, processor: 2 };
  const functions = { throttleCount: (name: string) => counts[name] ?? 0 };

  it("names the function, its reservation, Lambda's error and the count so far", () => {
    assert.equal(throttleMessage("ingest", 1, 23), "throttled: ingest at its reserved concurrency 1 (TooManyRequestsException); 23 since start");
  });

  it("sums up every reserved function's throttles, and says nothing when no function has a reservation", () => {
    const defaults = topologySizing();
    const reserved = withOverrides(defaults, { reservedConcurrency: { ingest: 1 } });
    const unreserved = { ...defaults, functions: Object.fromEntries(Object.entries(defaults.functions).map(([name, sizing]) => [name, { ...sizing, reservedConcurrency: undefined }])) } as LocalSizing;

    assert.equal(throttleSummary(reserved, functions), "throttles since start: ingest 23, query 0, migrate 0, replay 0, erase 0, maintain 0");
    assert.equal(throttleSummary(unreserved, functions), undefined);
  });
});
