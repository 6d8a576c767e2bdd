import { expect } from "chai";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import { sql } from "slonik";
import { inlineQueueMessage, type QueueMessage } from "../../functions/shared/queue-message";
import { call, drainQueue, eventually, postEvent, startTestStack, waitForEvent, type TestStack } from "../../scripts/lib/local-stack-client";
import { sampleEvent } from "../../scripts/lib/factories";
import { defaultSourceName } from "../../functions/shared/sources";

function inlineMessage(eventId: string, userId: string): QueueMessage {
  return inlineQueueMessage({ source: defaultSourceName, eventId, correlationId: `corr-${userId}`, receivedAt: new Date() }, sampleEvent({ user_id: userId }));
}

describe("local stack end to end (npm start's stack, over HTTP)", function () {
  this.timeout(120_000);
  let t: TestStack;

  before(async () => {
    t = await startTestStack();
  });
  after(async () => {
    await t?.stop();
  });

  const rowsFor = async (eventId: string) =>
    Number(await t.db.oneFirst(sql.unsafe`SELECT count(*) FROM events WHERE event_id = ${eventId}`));

  async function snsEventIds(): Promise<string[]> {
    const notifications = await drainQueue(t.sqs, t.stack.snsTapQueueUrl);
    return notifications.map((n) => {
      const envelope = JSON.parse(n.Body ?? "{}") as { Message: string };
      return (JSON.parse(envelope.Message) as { event_id: string }).event_id;
    });
  }

  it("answers GET /health without a key", async () => {
    const response = await call(t, "GET", "/health", { key: null });
    expect(response.status).to.equal(200);
    expect(response.body).to.deep.equal({ status: "healthy" });
  });

  it("ingests the seed's sample event and serves it back with its correlation id, then publishes it on SNS", async () => {
    const accepted = await postEvent(t, sampleEvent(), { "X-Correlation-ID": "e2e-correlation" });
    expect(accepted.status).to.equal(202);
    expect(accepted.body.status).to.equal("enqueued");
    expect(accepted.headers.get("x-correlation-id")).to.equal("e2e-correlation");
    const eventId = String(accepted.body.event_id);
    const found = await waitForEvent(t, eventId);
    expect(found.body).to.deep.include({ ...sampleEvent(), timestamp: "2024-01-15T10:30:00.000Z", correlation_id: "e2e-correlation", payload_mode: "INLINE" });
    const published = await eventually("the SNS notification", async () => {
      const ids = await snsEventIds();
      return ids.includes(eventId) ? ids : undefined;
    });
    expect(published).to.include(eventId);
  });

  it("stores a payload over 256 KB in S3 under raw/<date>/<event_id>.json and serves it in full", async () => {
    const big = sampleEvent({ metadata: { blob: "x".repeat(300 * 1024) } });
    const accepted = await postEvent(t, big);
    expect(accepted.status).to.equal(202);
    const eventId = String(accepted.body.event_id);
    const found = await waitForEvent(t, eventId);
    expect(found.body.payload_mode).to.equal("S3");
    expect(found.body.metadata).to.deep.equal(big.metadata);
    const s3 = new S3Client({ endpoint: t.stack.awsEndpointUrl, region: t.stack.region, forcePathStyle: true, credentials: { accessKeyId: "t", secretAccessKey: "t" } });
    const key = `raw/${new Date().toISOString().slice(0, 10)}/${eventId}.json`;
    const object = await s3.send(new GetObjectCommand({ Bucket: t.stack.bucket, Key: key }));
    expect(await object.Body?.transformToString()).to.equal(JSON.stringify(big));
    s3.destroy();
  });

  it("refuses /events without a valid API key with 403 invalid_api_key", async () => {
    for (const key of [null, "wrong-key"]) {
      const post = await call(t, "POST", "/events", { key, body: JSON.stringify(sampleEvent()), headers: { "Content-Type": "application/json" } });
      expect(post.status).to.equal(403);
      expect(post.body.error).to.equal("invalid_api_key");
      const get = await call(t, "GET", "/events/01a21393-3846-7825-a33f-d85a90235848", { key });
      expect(get.status).to.equal(403);
    }
  });

  it("answers every kind of bad input with its status and a JSON error, and stores none of it", async () => {
    const before = Number(await t.db.oneFirst(sql.unsafe`SELECT count(*) FROM events`));
    const json = { "Content-Type": "application/json" };
    const cases: { body?: string; headers?: Record<string, string>; method?: string; route?: string; status: number; error: string }[] = [
      { body: JSON.stringify(sampleEvent()), headers: { "Content-Type": "text/plain" }, status: 415, error: "unsupported_media_type" },
      { body: "{broken", headers: json, status: 400, error: "invalid_json" },
      { body: JSON.stringify({ ...sampleEvent(), amount: "NaN", currency: "usd" }), headers: json, status: 400, error: "validation_failed" },
      { body: JSON.stringify({ ...sampleEvent(), metadata: { blob: "x".repeat(5 * 1024 * 1024) } }), headers: json, status: 413, error: "payload_too_large" },
      { method: "GET", route: "/events/not-a-uuid", status: 400, error: "invalid_event_id" },
      { method: "GET", route: "/events/01a21393-3846-7825-a33f-000000000000", status: 404, error: "not_found" },
    ];
    for (const c of cases) {
      const response = await call(t, c.method ?? "POST", c.route ?? "/events", { body: c.body, headers: c.headers });
      expect(response.status, c.error).to.equal(c.status);
      expect(response.body.error, c.error).to.equal(c.error);
    }
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(Number(await t.db.oneFirst(sql.unsafe`SELECT count(*) FROM events`))).to.equal(before);
  });

  it("gives a retried POST with the same Idempotency-Key the same event_id and one row", async () => {
    const headers = { "Idempotency-Key": "e2e-retry-1" };
    const first = await postEvent(t, sampleEvent({ user_id: "retrying-client" }), headers);
    const retry = await postEvent(t, sampleEvent({ user_id: "retrying-client" }), headers);
    expect(first.status).to.equal(202);
    expect(retry.body.event_id).to.equal(first.body.event_id);
    const eventId = String(first.body.event_id);
    await waitForEvent(t, eventId);
    await eventually("the queue to be empty", async () => ((await queueDepth(t)) === 0 ? true : undefined));
    expect(await rowsFor(eventId)).to.equal(1);
  });

  it("keeps one row when the same message is delivered twice", async () => {
    const eventId = "01a21393-3846-7825-a33f-0000000000d1";
    const body = JSON.stringify(inlineMessage(eventId, "twice"));
    await t.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: t.stack.queueUrl,
        Entries: [
          { Id: "a", MessageBody: body },
          { Id: "b", MessageBody: body },
        ],
      }),
    );
    await waitForEvent(t, eventId);
    await t.sqs.send(new SendMessageBatchCommand({ QueueUrl: t.stack.queueUrl, Entries: [{ Id: "c", MessageBody: body }] }));
    await eventually("the queue to be empty", async () => ((await queueDepth(t)) === 0 ? true : undefined));
    expect(await rowsFor(eventId)).to.equal(1);
  });

  it("dead-letters a message whose S3 payload is missing at exactly its third receive, storing its batch-mates", async () => {
    const poisonedId = "01a21393-3846-7825-a33f-0000000000e1";
    const { payload: _inline, ...envelope } = inlineMessage(poisonedId, "poisoned") as Extract<QueueMessage, { payload: unknown }>;
    const pointer: QueueMessage = { ...envelope, payload_ref: { bucket: t.stack.bucket, key: `raw/2024-01-15/${poisonedId}.json`, bytes: 10 } };
    const mates = ["01a21393-3846-7825-a33f-0000000000e2", "01a21393-3846-7825-a33f-0000000000e3"];
    await t.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: t.stack.queueUrl,
        Entries: [
          { Id: "poisoned", MessageBody: JSON.stringify(pointer) },
          ...mates.map((id, i) => ({ Id: `mate${i}`, MessageBody: JSON.stringify(inlineMessage(id, `mate-${i}`)) })),
        ],
      }),
    );
    const deadLetters = await eventually("the poisoned message in the DLQ", async () => {
      const drained = await drainQueue(t.sqs, t.stack.dlqUrl);
      return drained.length > 0 ? drained : undefined;
    });
    expect(deadLetters).to.have.length(1);
    expect(JSON.parse(deadLetters[0].Body ?? "{}")).to.include({ event_id: poisonedId });
    // The DLQ send happens inside the invocation; its log lines reach the stack with the invocation's reply, after it.
    const failuresOfPoisoned = () => t.logs.filter((l) => l.function === "processor" && l.event_id === poisonedId && l.msg === "message not processed");
    const receives = await eventually("the third failure's log line", () => Promise.resolve(failuresOfPoisoned().length >= 3 ? failuresOfPoisoned() : undefined));
    // Each permanent failure re-sends the message with its count; the third goes to the DLQ.
    expect(receives.map((l) => l.permanent_failures)).to.deep.equal([1, 2, 3]);
    expect(receives.map((l) => l.action)).to.deep.equal(["retry", "retry", "dead-letter"]);
    expect(receives.every((l) => l.failure === "permanent" && l.correlation_id === "corr-poisoned")).to.equal(true);
    for (const id of mates) expect(await rowsFor(id)).to.equal(1);
    expect(await rowsFor(poisonedId)).to.equal(0);
  });
});

async function queueDepth(t: TestStack): Promise<number> {
  const { GetQueueAttributesCommand } = await import("@aws-sdk/client-sqs");
  const { Attributes = {} } = await t.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: t.stack.queueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }),
  );
  return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
}
