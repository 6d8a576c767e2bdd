import { expect } from "chai";
import type { ApiClient, ApiResponse } from "../../scripts/lib/http";
import { alarmCheck, regionOf, runChecks, settingsFromOutputs, sqsClientConfig } from "../../scripts/verify-deployment";
import { runScript } from "./run-script";

function answer(status: number, body: unknown, headers: Record<string, string> = {}): ApiResponse {
  return { status, body, headers: new Headers(headers) };
}

describe("verify-deployment", () => {
  describe("alarmCheck", () => {
    it("passes when this stack's alarms are OK or have no data yet, ignoring other stacks", () => {
      const result = alarmCheck(
        [
          { AlarmName: "fluxa-dlq-depth-dev", StateValue: "OK" },
          { AlarmName: "fluxa-api-5xx-dev", StateValue: "INSUFFICIENT_DATA" },
          { AlarmName: "fluxa-dlq-depth-prod", StateValue: "ALARM" },
        ],
        "dev",
      );
      expect(result).to.deep.equal({ check: "alarms OK", outcome: "pass", detail: "2 alarms: 1 OK, 1 INSUFFICIENT_DATA" });
    });

    it("fails naming the alarms that fire, and when the stack has none", () => {
      const firing = alarmCheck([{ AlarmName: "fluxa-ingest-errors-dev", StateValue: "ALARM" }], "dev");
      expect(firing.outcome).to.equal("fail");
      expect(firing.detail).to.include("firing: fluxa-ingest-errors-dev");
      expect(alarmCheck([], "dev")).to.deep.include({ outcome: "fail", detail: "no alarms named fluxa-*-dev in this account and region" });
    });
  });

  it("reads the region from SQS and API Gateway URLs only", () => {
    expect(regionOf("https://sqs.eu-west-1.amazonaws.com/123456789012/fluxa-events-dlq-dev")).to.equal("eu-west-1");
    expect(regionOf("https://abc123.execute-api.us-east-1.amazonaws.com/v1")).to.equal("us-east-1");
    expect(regionOf("http://127.0.0.1:4566/000000000000/fluxa-events-dlq")).to.equal(undefined);
    expect(regionOf("not a url")).to.equal(undefined);
  });

  it("gives the local emulator its own endpoint and placeholder credentials, and AWS none", () => {
    expect(sqsClientConfig("http://127.0.0.1:4566/000000000000/q", { AWS_REGION: "eu-central-1" })).to.deep.equal({
      region: "eu-central-1",
      endpoint: "http://127.0.0.1:4566",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
    expect(sqsClientConfig("https://sqs.eu-west-1.amazonaws.com/1/q", { AWS_REGION: "us-east-1" })).to.deep.equal({ region: "eu-west-1" });
  });

  it("takes its settings from the stack's outputs", () => {
    const outputs = { api_endpoint: "https://x/v1", api_key: "k", dlq_url: "https://sqs/q", migrations: "{}" };
    expect(settingsFromOutputs(outputs)).to.deep.equal({ endpoint: "https://x/v1", key: "k", dlqUrl: "https://sqs/q" });
  });

  it("fails the query check when the event never becomes readable, with the last answer", async () => {
    const api: ApiClient = (method, path, options) => {
      if (path === "/health") return Promise.resolve(answer(200, { status: "healthy" }));
      if (method === "POST") return Promise.resolve(answer(202, { event_id: "e-1", status: "enqueued" }, { "x-correlation-id": options?.headers?.["X-Correlation-ID"] ?? "" }));
      return Promise.resolve(answer(404, { error: "not_found", message: "no event e-1" }));
    };
    const results = await runChecks({ api, dlqDepth: { skipped: "no DLQ" }, alarms: { skipped: "no stack" }, timeoutMs: 50, pollMs: 10 });
    expect(results.map((r) => [r.check, r.outcome])).to.deep.equal([
      ["health", "pass"],
      ["ingest", "pass"],
      ["query within 0.05 s", "fail"],
      ["DLQ empty", "skip"],
      ["alarms OK", "skip"],
    ]);
    expect(results[2].detail).to.equal("GET /events/e-1 still answers 404 not_found: no event e-1");
  });

  it("skips the query when ingest fails, and reports a probe that throws as a failure", async () => {
    const api: ApiClient = (_method, path) =>
      Promise.resolve(path === "/health" ? answer(502, "Bad Gateway") : answer(503, { error: "enqueue_failed", message: "retry later" }));
    const results = await runChecks({
      api,
      dlqDepth: { run: () => Promise.reject(new Error("AccessDenied")) },
      alarms: { skipped: "no stack" },
      timeoutMs: 50,
    });
    expect(results.map((r) => `${r.check}: ${r.outcome}: ${r.detail}`)).to.deep.equal([
      "health: fail: GET /health: 502 Bad Gateway",
      "ingest: fail: POST /events: 503 enqueue_failed: retry later",
      "query within 0.05 s: skip: nothing was ingested",
      "DLQ empty: fail: AccessDenied",
      "alarms OK: skip: no stack",
    ]);
  });

  it("exits 2 naming the missing settings", async () => {
    const run = await runScript("verify-deployment", []);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.include("missing required settings: --endpoint (or API_ENDPOINT), --key (or API_KEY)");
  });
});
