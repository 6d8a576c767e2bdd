import assert from "node:assert/strict";
import { prettyFunctionLog } from "../../scripts/local-stack/function-log-format";

describe("local stack: function logs for a terminal", () => {
  const pretty = prettyFunctionLog("ingest", false);
  const time = "2026-12-07T01:30:00.123Z";
  const localClock = (iso: string) => {
    const at = new Date(iso);
    const pad = (n: number, width = 2) => String(n).padStart(width, "0");
    return `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}.${pad(at.getMilliseconds(), 3)}`;
  };

  it("prints a pino line as one line: time, level, function, message, then its fields", () => {
    const line = JSON.stringify({ level: "info", timestamp: time, function: "ingest", correlation_id: "c-1", event_id: "e-1", msg: "event enqueued" });

    assert.equal(pretty(line), `[${localClock(time)}] INFO: ingest: event enqueued {"correlation_id":"c-1","event_id":"e-1"}\n`);
  });

  it("prints an EMF metrics line as its namespace and values, with its dimensions beside them", () => {
    const metrics = {
      _aws: { Timestamp: Date.parse(time), CloudWatchMetrics: [{ Namespace: "Fluxa/Ingest", Dimensions: [["service"]], Metrics: [{ Name: "events_enqueued", Unit: "Count" }, { Name: "enqueue_ms", Unit: "Milliseconds" }] }] },
      service: "ingest",
      events_enqueued: 1,
      enqueue_ms: 3.5,
    };

    assert.equal(pretty(JSON.stringify(metrics)), `[${localClock(time)}] INFO: ingest: metrics Fluxa/Ingest: events_enqueued=1 enqueue_ms=3.5 {"service":"ingest"}\n`);
  });

  it("passes any other line through as written, after the function's name", () => {
    assert.equal(pretty("Error: boom"), "ingest: Error: boom\n");
    assert.equal(pretty("{not json"), "ingest: {not json\n");
    assert.equal(pretty("[1,2]"), "ingest: [1,2]\n");
  });
});
