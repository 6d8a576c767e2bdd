import { expect } from "chai";
import { createBatchIngestHandler } from "../../../functions/ingest/post-events-batch";
import { createIngestHandler } from "../../../functions/ingest/post-event";
import { byResource } from "../../../functions/shared/http";
import { FakePayloadStore, FakeQueue, fixedClock, RecordingMetrics, recordingLogger, sequentialIds } from "../../support/fakes";
import { apiRequest, callerContext, sampleEvent, testSourceDirectory } from "../../../scripts/lib/factories";

function setUp({ largePayloadThresholdBytes = 262_144, maxBatchEvents = 100 } = {}) {
  const queue = new FakeQueue();
  const payloads = new FakePayloadStore();
  const metrics = new RecordingMetrics();
  const { log, lines } = recordingLogger();
  const deps = {
    ports: { queue, payloads, clock: fixedClock, ids: sequentialIds() },
    settings: { largePayloadThresholdBytes, maxBodyBytes: 5 * 1024 * 1024, maxBatchEvents },
    log,
    metrics,
    sources: testSourceDirectory,
  };
  const handler = byResource({ "/events": createIngestHandler(deps), "/events/batch": createBatchIngestHandler(deps) });
  const post = (body: unknown, overrides: Parameters<typeof apiRequest>[0] = {}) =>
    handler(apiRequest({ resource: "/events/batch", path: "/events/batch", body: JSON.stringify(body), ...overrides }), { awsRequestId: "req-1" });
  const postSingle = (headers: Record<string, string>) =>
    handler(apiRequest({ headers: { "Content-Type": "application/json", ...headers }, requestContext: callerContext("key-web-1") }), {
      awsRequestId: "req-2",
    });
  return { queue, payloads, metrics, lines, post, postSingle };
}

type Result = { index: number; event_id?: string; status?: string; error?: string; message?: string; details?: { path: string }[] };

function resultsOf(response: { body: string }): Result[] {
  return (JSON.parse(response.body) as { results: Result[] }).results;
}

const asCaller = (headers: Record<string, string> = {}) => ({
  headers: { "Content-Type": "application/json", ...headers },
  requestContext: callerContext("key-web-1"),
});

describe("ingest: POST /events/batch", () => {
  it("answers 207 with one result per event in request order, queuing the valid ones in one batch", async () => {
    const { queue, post, metrics } = setUp();
    const response = await post({ events: [sampleEvent(), { ...sampleEvent(), amount: "ten" }, sampleEvent({ user_id: "other" })] });
    expect(response.statusCode).to.equal(207);
    const results = resultsOf(response);
    expect(results.map((r) => r.index)).to.deep.equal([0, 1, 2]);
    expect(results[0]).to.deep.equal({ index: 0, event_id: queue.sent[0].event_id, status: "enqueued" });
    expect(results[1]).to.include({ index: 1, status: "validation_failed", error: "validation_failed" });
    expect(results[1].details?.map((d) => d.path)).to.deep.equal(["amount"]);
    expect(results[2]).to.deep.equal({ index: 2, event_id: queue.sent[1].event_id, status: "enqueued" });
    expect(queue.batchCalls).to.deep.equal([2]);
    expect(response.headers?.["Retry-After"]).to.equal(undefined);
    expect([metrics.total("ingest_success"), metrics.total("ingest_failure"), metrics.total("sqs_sent")]).to.deep.equal([2, 1, 2]);
  });

  it("names every enqueued event id in its one info line, so one event can be followed at info", async () => {
    const { queue, post, lines } = setUp();
    await post({ events: [sampleEvent(), { ...sampleEvent(), amount: "ten" }, sampleEvent({ user_id: "other" })] });
    expect(lines.map((l) => l.msg)).to.deep.equal(["batch handled"]);
    expect(lines[0].event_ids).to.deep.equal(queue.sent.map((m) => m.event_id));
  });

  it("answers 207 even when every event is invalid, and queues nothing", async () => {
    const { queue, post } = setUp();
    const response = await post({ events: [{}, "not an event", [1]] });
    expect(response.statusCode).to.equal(207);
    expect(resultsOf(response).map((r) => r.error)).to.deep.equal(["validation_failed", "validation_failed", "validation_failed"]);
    expect(queue.batchCalls).to.deep.equal([]);
  });

  it("reports enqueue_failed, never enqueued, for each event SQS refused, and asks for a retry", async () => {
    const { queue, post, metrics, lines } = setUp();
    queue.refusedUsers.add("refused");
    const response = await post({ events: [sampleEvent(), sampleEvent({ user_id: "refused" }), sampleEvent()] });
    expect(response.statusCode).to.equal(207);
    const results = resultsOf(response);
    expect(results[1]).to.include({ index: 1, status: "enqueue_failed", error: "enqueue_failed" });
    expect(results[1].message).to.be.a("string");
    expect([results[0].status, results[2].status]).to.deep.equal(["enqueued", "enqueued"]);
    expect(response.headers?.["Retry-After"]).to.equal("1");
    expect(metrics.total("ingest_success")).to.equal(2);
    expect(lines.find((l) => l.msg === "event not enqueued")).to.include({ index: 1, stage: "sqs" });
  });

  it("reports every event enqueue_failed when the queue is unreachable", async () => {
    const { queue, post } = setUp();
    queue.failure = new Error("SQS unavailable");
    const results = resultsOf(await post({ events: [sampleEvent(), sampleEvent()] }));
    expect(results.map(({ index, status, error }) => ({ index, status, error }))).to.deep.equal([
      { index: 0, status: "enqueue_failed", error: "enqueue_failed" },
      { index: 1, status: "enqueue_failed", error: "enqueue_failed" },
    ]);
  });

  it("stores a large event in S3 and queues a pointer, as single ingest does; an S3 failure fails only that event", async () => {
    const big = sampleEvent({ metadata: { blob: "x".repeat(2000) } });
    const ok = setUp({ largePayloadThresholdBytes: 1024 });
    const results = resultsOf(await ok.post({ events: [big, sampleEvent()] }));
    expect(results.map((r) => r.status)).to.deep.equal(["enqueued", "enqueued"]);
    const pointer = ok.queue.sent.find((m) => m.event_id === results[0].event_id);
    expect(pointer && "payload_ref" in pointer && pointer.payload_ref.key).to.equal(`raw/2024-01-15/${results[0].event_id}.json`);
    expect(ok.payloads.objects.size).to.equal(1);

    const s3Down = setUp({ largePayloadThresholdBytes: 1024 });
    s3Down.payloads.failure = new Error("S3 unavailable");
    const mixed = resultsOf(await s3Down.post({ events: [big, sampleEvent()] }));
    expect(mixed[0]).to.include({ index: 0, status: "enqueue_failed", error: "enqueue_failed" });
    expect(mixed[1].status).to.equal("enqueued");
    expect(s3Down.queue.sent).to.have.length(1);
  });

  it("answers 400 invalid_batch to a body that is not an object with 1 to MAX_BATCH_EVENTS events", async () => {
    const { queue, post } = setUp({ maxBatchEvents: 3 });
    for (const body of [[sampleEvent()], { events: sampleEvent() }, {}, { events: [] }, { events: Array(4).fill(sampleEvent()) }, null]) {
      const response = await post(body);
      expect(response.statusCode, JSON.stringify(body).slice(0, 40)).to.equal(400);
      expect(JSON.parse(response.body)).to.include({ error: "invalid_batch" });
    }
    expect((await post({ events: Array(3).fill(sampleEvent()) })).statusCode).to.equal(207);
    expect(queue.sent).to.have.length(3);
  });

  it("answers 415, 400 invalid_json and 413 as single ingest does", async () => {
    const { post } = setUp();
    expect((await post({ events: [] }, { headers: { "Content-Type": "text/plain" } })).statusCode).to.equal(415);
    expect((await post(undefined, { body: "{nope" })).statusCode).to.equal(400);
    expect((await post({ events: [{ blob: "x".repeat(6 * 1024 * 1024) }] })).statusCode).to.equal(413);
  });

  it("gives an event with an idempotency_key the event_id a single POST with that Idempotency-Key gets", async () => {
    const { post, postSingle } = setUp();
    const single = JSON.parse((await postSingle({ "Idempotency-Key": "order-1" })).body) as { event_id: string };
    const results = resultsOf(await post({ events: [{ ...sampleEvent(), idempotency_key: "order-1" }, sampleEvent()] }, asCaller()));
    expect(results[0].event_id).to.equal(single.event_id);
    expect(results[1].event_id).to.not.equal(single.event_id);
  });

  it("derives each event's key from the Idempotency-Key header and its index, unless the event has its own", async () => {
    const { post, postSingle } = setUp();
    const body = { events: [sampleEvent(), { ...sampleEvent(), idempotency_key: "own" }] };
    const first = resultsOf(await post(body, asCaller({ "Idempotency-Key": "batch-7" })));
    const retry = resultsOf(await post(body, asCaller({ "Idempotency-Key": "batch-7" })));
    expect(retry.map((r) => r.event_id)).to.deep.equal(first.map((r) => r.event_id));
    const asItemZero = JSON.parse((await postSingle({ "Idempotency-Key": "batch-7:0" })).body) as { event_id: string };
    const asOwn = JSON.parse((await postSingle({ "Idempotency-Key": "own" })).body) as { event_id: string };
    expect([asItemZero.event_id, asOwn.event_id]).to.deep.equal(first.map((r) => r.event_id));
  });

  it("reports a malformed idempotency_key as that event's validation failure, and a malformed header as a 400", async () => {
    const { post, queue } = setUp();
    const results = resultsOf(await post({ events: [{ ...sampleEvent(), idempotency_key: "with space" }, { ...sampleEvent(), idempotency_key: 7 }] }));
    expect(results.map((r) => r.details?.map((d) => d.path))).to.deep.equal([["idempotency_key"], ["idempotency_key"]]);
    const header = await post({ events: [sampleEvent()] }, asCaller({ "Idempotency-Key": "x".repeat(256) }));
    expect(header.statusCode).to.equal(400);
    expect(JSON.parse(header.body)).to.include({ error: "invalid_idempotency_key" });
    expect(queue.sent).to.have.length(0);
  });

  it("answers a resource the function does not serve with a JSON 404", async () => {
    const { post } = setUp();
    const response = await post({ events: [sampleEvent()] }, { resource: "/elsewhere" });
    expect(response.statusCode).to.equal(404);
    expect(JSON.parse(response.body)).to.include({ error: "not_found" });
  });
  it("queues every event of a batch under the caller's source, and answers an unknown key id 403 with nothing queued", async () => {
    const { queue, post } = setUp();
    const response = await post({ events: [sampleEvent(), sampleEvent()] }, { requestContext: callerContext("key-mobile-1") });
    expect(response.statusCode).to.equal(207);
    expect(queue.sent.map((m) => m.source)).to.deep.equal(["mobile", "mobile"]);
    const refused = await post({ events: [sampleEvent()] }, { requestContext: callerContext("key-unknown") });
    expect(refused.statusCode).to.equal(403);
    expect(queue.sent).to.have.length(2);
  });
});
