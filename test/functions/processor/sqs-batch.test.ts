import { expect } from "chai";
import type { SQSRecord } from "aws-lambda";
import { createProcessorHandler } from "../../../functions/processor/sqs-batch";
import { sha256Hex } from "../../../functions/shared/hash";
import { inlineQueueMessage, queueMessageAttributes, s3QueueMessage, type QueueMessage } from "../../../functions/shared/queue-message";
import { FakeEventRepository, FakeNotifier, FakePayloadStore, FakeRetryQueue, RecordingMetrics, recordingLogger } from "../../support/fakes";
import { sampleEvent, sqsRecord, testEventId } from "../../../scripts/lib/factories";
import { lambdaMessageAttributes } from "../../../scripts/local-stack/sqs-event";

const eventId = testEventId;
const header = (n: number, source = "web") => ({ source, eventId: eventId(n), correlationId: `corr-${n}`, receivedAt: new Date("2024-01-15T10:30:01.000Z") });

function inlineMessage(n: number, payload = sampleEvent({ user_id: `user-${n}` })): QueueMessage {
  return inlineQueueMessage(header(n), payload);
}

function s3Message(n: number, payloads: FakePayloadStore): QueueMessage {
  const text = JSON.stringify(sampleEvent({ user_id: `user-${n}` }));
  const key = `raw/2024-01-15/${eventId(n)}.json`;
  payloads.objects.set(`${payloads.bucket}/${key}`, text);
  return s3QueueMessage(header(n), { bucket: payloads.bucket, key, bytes: text.length }, sha256Hex(text));
}

function setUp() {
  const payloads = new FakePayloadStore();
  const events = new FakeEventRepository();
  const notifier = new FakeNotifier();
  const metrics = new RecordingMetrics();
  const { log, lines } = recordingLogger();
  const retries = new FakeRetryQueue();
  const sentAt = Date.parse("2024-01-15T10:30:00Z");
  const handler = createProcessorHandler({
    ports: { payloads, events, notifier, log },
    retries,
    visibilityTimeoutSeconds: 180,
    log,
    metrics,
    now: () => sentAt + 600_000,
  });
  const deliverRecords = (records: SQSRecord[]) => handler({ Records: records.map((r) => ({ ...r, attributes: { ...r.attributes, SentTimestamp: String(sentAt) } })) });
  const deliver = (...bodies: (QueueMessage | string)[]) =>
    deliverRecords(bodies.map((b, i) => sqsRecord(`m${i}`, typeof b === "string" ? b : JSON.stringify(b))));
  return { payloads, events, notifier, metrics, lines, deliver, deliverRecords, retries };
}

function withPermanentFailures(record: SQSRecord, count: string): SQSRecord {
  return { ...record, messageAttributes: { permanent_failures: { stringValue: count, dataType: "String", stringListValues: [], binaryListValues: [] } } };
}

const failedIds = (r: { batchItemFailures: { itemIdentifier: string }[] }) => r.batchItemFailures.map((f) => f.itemIdentifier);

describe("processor", () => {
  it("stores and publishes every event of a batch and reports no failures", async () => {
    const { events, notifier, metrics, deliver, payloads } = setUp();
    const result = await deliver(inlineMessage(1), inlineMessage(2), s3Message(3, payloads));
    expect(failedIds(result)).to.deep.equal([]);
    expect([...events.rows.keys()]).to.deep.equal([eventId(1), eventId(2), eventId(3)]);
    expect(events.rows.get(eventId(3))?.payload_mode).to.equal("S3");
    expect(notifier.published.map((e) => e.event_id)).to.deep.equal([eventId(1), eventId(2), eventId(3)]);
    expect(metrics.total("processed_success")).to.equal(3);
    expect(metrics.emitted.map((m) => m.name)).to.include.members(["db_latency_ms", "publish_latency_ms", "process_latency_ms"]);
  });

  it("names every stored event id in one info line per batch; the per-event lines are at debug", async () => {
    const { lines, deliverRecords } = setUp();
    const messages = [inlineMessage(1), inlineMessage(2)];
    const attributes = (m: QueueMessage) => lambdaMessageAttributes({ MessageAttributes: queueMessageAttributes(m) });
    await deliverRecords([...messages.map((m, i) => ({ ...sqsRecord(`m${i}`, JSON.stringify(m)), messageAttributes: attributes(m) })), sqsRecord("bad", "{")]);
    const info = lines.filter((l) => l.level === 30);
    expect(info.map((l) => l.msg)).to.deep.equal(["batch stored"]);
    expect(info[0]).to.deep.include({ event_ids: [eventId(1), eventId(2)], failed: 1 });
  });

  it("stores each event under the source its message carries, and counts processed messages per source as well", async () => {
    const { events, metrics, deliverRecords, payloads } = setUp();
    const withSource = (record: SQSRecord, source: string): SQSRecord => ({
      ...record,
      messageAttributes: { source: { stringValue: source, dataType: "String", stringListValues: [], binaryListValues: [] } },
    });
    const missing = s3Message(3, payloads);
    payloads.objects.clear();
    await deliverRecords([
      withSource(sqsRecord("m1", JSON.stringify(inlineQueueMessage(header(1, "mobile"), sampleEvent()))), "mobile"),
      withSource(sqsRecord("m2", JSON.stringify(inlineMessage(2))), "web"),
      withSource(sqsRecord("m3", JSON.stringify(missing)), "web"),
    ]);
    expect([events.rows.get(eventId(1))?.source, events.rows.get(eventId(2))?.source]).to.deep.equal(["mobile", "web"]);
    expect(metrics.single).to.deep.equal([
      { name: "processed_success", value: 1, dimensions: { source: "mobile" } },
      { name: "processed_success", value: 1, dimensions: { source: "web" } },
      { name: "processed_failure", value: 1, dimensions: { source: "web" } },
    ]);
  });

  it("keeps one row per event_id however often a message is delivered, and publishes it once when all went well", async () => {
    const { events, notifier, deliver } = setUp();
    await deliver(inlineMessage(1), inlineMessage(1));
    await deliver(inlineMessage(1));
    expect(events.rows.size).to.equal(1);
    expect(notifier.published).to.have.length(1);
  });

  it("re-sends a message whose S3 object is missing or altered with its first permanent failure counted; its batch-mates are stored", async () => {
    const { events, deliver, payloads, lines, retries } = setUp();
    const missing = s3Message(2, payloads);
    payloads.objects.clear();
    const altered = s3Message(3, payloads);
    payloads.objects.set(`${payloads.bucket}/${"payload_ref" in altered ? altered.payload_ref.key : ""}`, "{}");
    const result = await deliver(inlineMessage(1), missing, altered, inlineMessage(4));
    expect(failedIds(result), "the originals are acknowledged once their copies are sent").to.deep.equal([]);
    expect(retries.resent.map((r) => [r.message.messageId, r.attributes.permanent_failures, r.delaySeconds])).to.deep.equal([
      ["m1", "1", 180],
      ["m2", "1", 180],
    ]);
    expect(retries.resent[0].message.body).to.equal(JSON.stringify(missing));
    expect([...events.rows.keys()]).to.deep.equal([eventId(1), eventId(4)]);
    const failure = lines.find((l) => l.event_id === eventId(3));
    expect(failure).to.include({ failure: "permanent", correlation_id: "corr-3", action: "retry", permanent_failures: 1 });
  });

  it("dead-letters a message at its third permanent failure, with the reason, and counts it", async () => {
    const { deliverRecords, retries, metrics, lines } = setUp();
    const record = withPermanentFailures(sqsRecord("m0", "not json"), "2");
    const result = await deliverRecords([record, sqsRecord("m1", JSON.stringify(inlineMessage(1)))]);
    expect(failedIds(result)).to.deep.equal([]);
    expect(retries.resent).to.deep.equal([]);
    expect(retries.deadLettered).to.have.length(1);
    expect(retries.deadLettered[0].attributes).to.deep.equal({ permanent_failures: "3", failure_reason: "malformed message: message body is not JSON" });
    expect(metrics.total("dead_lettered")).to.equal(1);
    expect(lines.find((l) => l.message_id === "m0")).to.include({ action: "dead-letter", permanent_failures: 3 });
  });

  it("counts only permanent failures toward the poison limit, however often the message was received", async () => {
    const { deliverRecords, retries } = setUp();
    await deliverRecords([sqsRecord("m0", "not json", 40)]);
    expect(retries.deadLettered).to.deep.equal([]);
    expect(retries.resent.map((r) => r.attributes.permanent_failures)).to.deep.equal(["1"]);
  });

  it("reports a poisoned message as failed when its copy cannot be sent, so it is received again rather than lost", async () => {
    const { deliver, retries } = setUp();
    retries.sendFailure = new Error("SQS unavailable");
    const result = await deliver("not json", inlineMessage(1));
    expect(failedIds(result)).to.deep.equal(["m0"]);
  });

  it("keeps the first payload when an event_id comes back with another one, and logs the reused key", async () => {
    const { events, deliver, lines, metrics } = setUp();
    await deliver(inlineMessage(1));
    const result = await deliver(inlineMessage(1, sampleEvent({ amount: 5 })));
    expect(failedIds(result)).to.deep.equal([]);
    expect(events.rows.get(eventId(1))?.amount).to.equal(99.99);
    expect(lines.find((l) => l.error === "idempotency_key_reused")).to.include({ event_id: eventId(1), correlation_id: "corr-1" });
    expect(metrics.total("idempotency_conflicts")).to.equal(1);
  });

  it("acknowledges a message whose user was erased without storing or publishing it, logs its ids and counts it", async () => {
    const { deliver, events, lines, metrics } = setUp();
    events.erasedIds.add(eventId(1));
    const result = await deliver(inlineMessage(1), inlineMessage(2));
    expect(failedIds(result)).to.deep.equal([]);
    expect([...events.rows.keys()]).to.deep.equal([eventId(2)]);
    expect(lines.find((l) => l.msg === "event not stored: an erasure of its user covers it")).to.include({ event_id: eventId(1), correlation_id: "corr-1" });
    expect(metrics.total("erased_skipped")).to.equal(1);
  });

  it("treats a malformed message or an inline payload whose hash does not match as poison", async () => {
    const { deliver, retries } = setUp();
    const tampered = { ...inlineMessage(2), payload: sampleEvent({ amount: 1_000_000 }) };
    await deliver("not json", tampered, inlineMessage(3));
    expect(retries.resent.map((r) => r.message.messageId)).to.deep.equal(["m0", "m1"]);
  });

  it("treats an envelope PostgreSQL would refuse (event_id, received_at) as poison, so it cannot fail its batch-mates' statement", async () => {
    const { deliver, events, retries } = setUp();
    const result = await deliver({ ...inlineMessage(1), event_id: "not-a-uuid" }, { ...inlineMessage(2), received_at: "soon" }, inlineMessage(3));
    expect(retries.resent.map((r) => r.message.messageId)).to.deep.equal(["m0", "m1"]);
    expect(retries.deferred).to.deep.equal([]);
    expect([...events.rows.keys()]).to.deep.equal([eventId(3)]);
    expect(failedIds(result)).to.deep.equal([]);
  });

  it("defers a message when S3 cannot be read, rather than treating it as poisoned", async () => {
    const { deliver, payloads, lines, retries } = setUp();
    const message = s3Message(1, payloads);
    payloads.failure = new Error("S3 throttled");
    const result = await deliver(message);
    expect(failedIds(result)).to.deep.equal(["m0"]);
    expect(retries.deferred).to.deep.equal([{ messageId: "m0", seconds: 180 }]);
    expect(lines.find((l) => l.event_id === eventId(1))).to.include({ failure: "retryable", action: "defer", retry_in_seconds: 180 });
  });

  it("retries messages whose SNS publish failed, and publishes them on redelivery (outbox)", async () => {
    const { events, notifier, deliver } = setUp();
    notifier.failing.add(eventId(2));
    const first = await deliver(inlineMessage(1), inlineMessage(2));
    expect(failedIds(first)).to.deep.equal(["m1"]);
    expect(events.rows.size).to.equal(2);
    notifier.failing.clear();
    const redelivered = await deliver(inlineMessage(2));
    expect(failedIds(redelivered)).to.deep.equal([]);
    expect(notifier.published.map((e) => e.event_id)).to.deep.equal([eventId(1), eventId(2)]);
  });

  it("defers the whole batch when the event store is down, longer at every receive, and reports it as deferred", async () => {
    const { events, deliverRecords, metrics, retries } = setUp();
    events.failure = new Error("connection refused");
    const result = await deliverRecords([sqsRecord("m0", JSON.stringify(inlineMessage(1)), 1), sqsRecord("m1", JSON.stringify(inlineMessage(2)), 4)]);
    expect(failedIds(result)).to.deep.equal(["m0", "m1"]);
    expect(retries.deferred).to.deep.equal([
      { messageId: "m0", seconds: 180 },
      { messageId: "m1", seconds: 1440 },
    ]);
    expect(events.rows.size).to.equal(0);
    expect(metrics.total("processed_failure")).to.equal(2);
    expect(metrics.total("deferred_batches")).to.equal(1);
    expect(metrics.total("deferred_messages")).to.equal(2);
    expect(metrics.total("oldest_deferred_age_seconds")).to.equal(600);
  });

  it("still counts poison while the database is down: only the sound messages are deferred", async () => {
    const { events, deliver, retries } = setUp();
    events.failure = new Error("connect ECONNREFUSED");
    const result = await deliver(inlineMessage(1), "not json");
    expect(failedIds(result)).to.deep.equal(["m0"]);
    expect(retries.deferred.map((d) => d.messageId)).to.deep.equal(["m0"]);
    expect(retries.resent.map((r) => [r.message.messageId, r.attributes.permanent_failures])).to.deep.equal([["m1", "1"]]);
  });
});
