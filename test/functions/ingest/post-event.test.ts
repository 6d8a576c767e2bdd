import { expect } from "chai";
import { createIngestHandler } from "../../../functions/ingest/post-event";
import { sha256Hex } from "../../../functions/shared/hash";
import { FakePayloadStore, FakeQueue, fixedClock, RecordingMetrics, recordingLogger, sequentialIds } from "../../support/fakes";
import { apiRequest, callerContext, sampleEvent, testSourceDirectory } from "../../../scripts/lib/factories";

function setUp(largePayloadThresholdBytes = 262_144) {
  const queue = new FakeQueue();
  const payloads = new FakePayloadStore();
  const metrics = new RecordingMetrics();
  const { log, lines } = recordingLogger();
  const handler = createIngestHandler({
    ports: { queue, payloads, clock: fixedClock, ids: sequentialIds() },
    settings: { largePayloadThresholdBytes, maxBodyBytes: 5 * 1024 * 1024 },
    log,
    metrics,
    sources: testSourceDirectory,
  });
  const post = (overrides: Parameters<typeof apiRequest>[0] = {}) => handler(apiRequest(overrides), { awsRequestId: "req-1" });
  return { queue, payloads, metrics, lines, post };
}

function bodyOf(response: { body: string }): Record<string, unknown> {
  return JSON.parse(response.body) as Record<string, unknown>;
}

describe("ingest", () => {
  it("answers 202 with the event id once the message is queued, carrying the payload and its SHA-256", async () => {
    const { queue, post, metrics } = setUp();
    const response = await post();
    expect(response.statusCode).to.equal(202);
    const body = bodyOf(response);
    expect(body).to.deep.equal({ event_id: queue.sent[0].event_id, status: "enqueued" });
    const message = queue.sent[0];
    expect("payload" in message && message.payload).to.deep.equal(sampleEvent());
    expect(message.payload_sha256).to.equal(sha256Hex(JSON.stringify(sampleEvent())));
    expect(message.received_at).to.equal("2024-01-15T10:30:01.000Z");
    expect(metrics.total("ingest_success")).to.equal(1);
    expect(metrics.total("sqs_sent")).to.equal(1);
  });

  it("keeps the caller's X-Correlation-ID, or makes one, and returns it, queues it and logs it", async () => {
    const { queue, post, lines } = setUp();
    const given = await post({ headers: { "Content-Type": "application/json", "x-correlation-id": "trace-42" } });
    expect(given.headers?.["X-Correlation-ID"]).to.equal("trace-42");
    expect(queue.sent[0].correlation_id).to.equal("trace-42");
    expect(lines.find((l) => l.msg === "event enqueued")).to.include({ correlation_id: "trace-42", event_id: queue.sent[0].event_id });
    const generated = await post();
    expect(generated.headers?.["X-Correlation-ID"]).to.be.a("string").and.not.equal("trace-42");
  });

  it("puts a payload over the threshold in S3 at raw/<date>/<event_id>.json and queues a pointer", async () => {
    const { queue, payloads, post, metrics } = setUp(1024);
    const big = sampleEvent({ metadata: { blob: "x".repeat(2000) } });
    const response = await post({ body: JSON.stringify(big) });
    expect(response.statusCode).to.equal(202);
    const message = queue.sent[0];
    expect("payload_ref" in message).to.equal(true);
    if (!("payload_ref" in message)) return;
    expect(message.payload_ref.key).to.equal(`raw/2024-01-15/${message.event_id}.json`);
    const stored = payloads.objects.get(`payloads/${message.payload_ref.key}`);
    expect(stored).to.equal(JSON.stringify(big));
    expect(message.payload_sha256).to.equal(sha256Hex(stored ?? ""));
    expect(metrics.total("s3_puts")).to.equal(1);
  });

  it("answers 503, never 202, when the queue or S3 refuses the write, and queues no dangling pointer", async () => {
    const sqsDown = setUp();
    sqsDown.queue.failure = new Error("SQS unavailable");
    const response = await sqsDown.post();
    expect(response.statusCode).to.equal(503);
    expect(bodyOf(response).error).to.equal("enqueue_failed");
    expect(sqsDown.metrics.total("ingest_failure")).to.equal(1);

    const s3Down = setUp(1024);
    s3Down.payloads.failure = new Error("S3 unavailable");
    const big = await s3Down.post({ body: JSON.stringify(sampleEvent({ metadata: { blob: "x".repeat(2000) } })) });
    expect(big.statusCode).to.equal(503);
    expect(s3Down.queue.sent).to.have.length(0);
  });

  it("gives retries with the same Idempotency-Key under the same source the same event_id, whichever of its keys, and other sources another", async () => {
    const { queue, post } = setUp();
    const asCaller = (apiKeyId: string, key: string) =>
      post({ headers: { "Content-Type": "application/json", "Idempotency-Key": key }, requestContext: callerContext(apiKeyId) });
    const first = bodyOf(await asCaller("key-web-1", "order-1")).event_id;
    expect(bodyOf(await asCaller("key-web-1", "order-1")).event_id).to.equal(first);
    expect(bodyOf(await asCaller("key-web-2", "order-1")).event_id, "after a rotation").to.equal(first);
    expect(bodyOf(await asCaller("key-web-1", "order-2")).event_id).to.not.equal(first);
    expect(bodyOf(await asCaller("key-mobile-1", "order-1")).event_id, "another source").to.not.equal(first);
    expect(queue.sent.map((m) => m.event_id).filter((id) => id === first)).to.have.length(3);
  });

  it("puts the caller's source on the message, its log lines and a metric dimension set; an unknown key id is 403 with nothing queued", async () => {
    const { queue, post, metrics, lines } = setUp();
    expect((await post({ requestContext: callerContext("key-mobile-1") })).statusCode).to.equal(202);
    expect(queue.sent[0].source).to.equal("mobile");
    expect(lines.find((l) => l.msg === "event enqueued")?.source).to.equal("mobile");
    expect(metrics.published).to.deep.equal([[{ source: "mobile" }]]);
    for (const requestContext of [callerContext("key-revoked"), callerContext(""), {} as never]) {
      const refused = await post({ requestContext });
      expect(refused.statusCode).to.equal(403);
      expect(bodyOf(refused)).to.include({ error: "invalid_api_key" });
    }
    expect(queue.sent).to.have.length(1);
  });

  it("refuses a body field named source as an unknown field: the source comes from the key alone", async () => {
    const { queue, post } = setUp();
    const response = await post({ body: JSON.stringify({ ...sampleEvent(), source: "mobile" }) });
    expect(response.statusCode).to.equal(400);
    expect(bodyOf(response)).to.include({ error: "validation_failed" });
    expect(queue.sent).to.have.length(0);
  });

  it("answers 400 to an Idempotency-Key that is empty, too long or not printable ASCII", async () => {
    const { queue, post } = setUp();
    for (const key of ["x".repeat(256), "naïve", "with space"]) {
      const response = await post({ headers: { "Content-Type": "application/json", "Idempotency-Key": key } });
      expect(response.statusCode, key).to.equal(400);
      expect(bodyOf(response).error).to.equal("invalid_idempotency_key");
    }
    expect(queue.sent).to.have.length(0);
  });

  it("answers 400 validation_failed naming every bad field, and queues nothing", async () => {
    const { queue, post } = setUp();
    const response = await post({ body: JSON.stringify({ ...sampleEvent(), amount: "ten", currency: "us" }) });
    expect(response.statusCode).to.equal(400);
    const body = bodyOf(response);
    expect(body.error).to.equal("validation_failed");
    expect((body.details as { path: string }[]).map((d) => d.path).sort()).to.deep.equal(["amount", "currency"]);
    expect(queue.sent).to.have.length(0);
  });

  it("answers 400 invalid_json, 415 and 413 with JSON error bodies", async () => {
    const { post } = setUp();
    const cases = [
      { request: { body: "{nope" }, status: 400, error: "invalid_json" },
      { request: { headers: { "Content-Type": "text/plain" } }, status: 415, error: "unsupported_media_type" },
      { request: { body: JSON.stringify({ blob: "x".repeat(6 * 1024 * 1024) }) }, status: 413, error: "payload_too_large" },
    ];
    for (const { request, status, error } of cases) {
      const response = await post(request);
      expect(response.statusCode, error).to.equal(status);
      expect(bodyOf(response).error).to.equal(error);
    }
  });
});
