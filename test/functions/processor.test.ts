import { expect } from "chai";
import type { SQSEvent } from "aws-lambda";
import { createProcessorHandler } from "../../functions/processor/sqs-handler";
import { sha256Hex } from "../../functions/shared/hash";
import { inlineQueueMessage, s3QueueMessage, type QueueMessage } from "../../functions/shared/queue-message";
import { FakeEventStore, FakeNotifier, FakePayloadStore, RecordingMetrics, recordingLogger } from "../support/fakes";
import { sampleEvent, sqsRecord, testEventId } from "../../scripts/lib/factories";

const eventId = testEventId;
const header = (n: number) => ({ eventId: eventId(n), correlationId: `corr-${n}`, receivedAt: new Date("2024-01-15T10:30:01.000Z") });

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
  const events = new FakeEventStore();
  const notifier = new FakeNotifier();
  const metrics = new RecordingMetrics();
  const { log, lines } = recordingLogger();
  const handler = createProcessorHandler({ ports: () => Promise.resolve({ payloads, events, notifier, log }), log, metrics });
  const deliver = (...bodies: (QueueMessage | string)[]) => {
    const event: SQSEvent = {
      Records: bodies.map((b, i) => sqsRecord(`m${i}`, typeof b === "string" ? b : JSON.stringify(b))),
    };
    return handler(event);
  };
  return { payloads, events, notifier, metrics, lines, deliver };
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

  it("keeps one row per event_id however often a message is delivered, and publishes it once when all went well", async () => {
    const { events, notifier, deliver } = setUp();
    await deliver(inlineMessage(1), inlineMessage(1));
    await deliver(inlineMessage(1));
    expect(events.rows.size).to.equal(1);
    expect(notifier.published).to.have.length(1);
  });

  it("fails only the message whose S3 object is missing or altered; its batch-mates are stored", async () => {
    const { events, deliver, payloads, lines } = setUp();
    const missing = s3Message(2, payloads);
    payloads.objects.clear();
    const altered = s3Message(3, payloads);
    payloads.objects.set(`${payloads.bucket}/${"payload_ref" in altered ? altered.payload_ref.key : ""}`, "{}");
    const result = await deliver(inlineMessage(1), missing, altered, inlineMessage(4));
    expect(failedIds(result)).to.deep.equal(["m1", "m2"]);
    expect([...events.rows.keys()]).to.deep.equal([eventId(1), eventId(4)]);
    const failure = lines.find((l) => l.event_id === eventId(3));
    expect(failure).to.include({ failure: "permanent", correlation_id: "corr-3" });
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

  it("fails a malformed message or an inline payload whose hash does not match", async () => {
    const { deliver } = setUp();
    const tampered = { ...inlineMessage(2), payload: sampleEvent({ amount: 1_000_000 }) };
    const result = await deliver("not json", tampered, inlineMessage(3));
    expect(failedIds(result)).to.deep.equal(["m0", "m1"]);
  });

  it("retries a message when S3 cannot be read, rather than treating it as poisoned", async () => {
    const { deliver, payloads, lines } = setUp();
    const message = s3Message(1, payloads);
    payloads.failure = new Error("S3 throttled");
    const result = await deliver(message);
    expect(failedIds(result)).to.deep.equal(["m0"]);
    expect(lines.find((l) => l.event_id === eventId(1))).to.include({ failure: "retryable" });
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

  it("fails the whole batch when the event store is down, so nothing is acknowledged before it is durable", async () => {
    const { events, deliver, metrics } = setUp();
    events.failure = new Error("connection refused");
    let thrown: unknown;
    try {
      await deliver(inlineMessage(1), inlineMessage(2));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).to.equal(events.failure);
    expect(metrics.total("processed_failure")).to.equal(2);
  });
});
