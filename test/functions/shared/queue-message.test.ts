import { expect } from "chai";
import { inlineQueueMessage, parseQueueMessage, queueMessageAttributes, s3QueueMessage, sourceOfMessage } from "../../../functions/shared/queue-message";
import { sampleEvent } from "../../../scripts/lib/factories";

const header = { source: "web", eventId: "00000000-0000-7000-8000-000000000001", correlationId: "corr-1", receivedAt: new Date("2024-01-15T10:30:01.000Z") };

describe("queue message builders", () => {
  it("builds the inline envelope the processor decodes, hashed over the payload's JSON text", () => {
    const message = inlineQueueMessage(header, sampleEvent());
    expect(message).to.deep.equal({
      version: 1,
      source: "web",
      event_id: header.eventId,
      correlation_id: "corr-1",
      received_at: "2024-01-15T10:30:01.000Z",
      // sha256 of the README's sample event as JSON, computed once with `sha256sum`.
      payload_sha256: "2f20c22529455fc1a68a70fdb0582c4da57659b02c6159f70952730af6824202",
      payload: sampleEvent(),
    });
    expect(parseQueueMessage(JSON.stringify(message))).to.deep.equal({ ok: true, message });
  });

  it("builds the S3 envelope with the hash it is given, and it decodes", () => {
    const message = s3QueueMessage(header, { bucket: "b", key: "raw/2024-01-15/x.json", bytes: 10 }, "f".repeat(64));
    expect(message).to.deep.include({ payload_sha256: "f".repeat(64), payload_ref: { bucket: "b", key: "raw/2024-01-15/x.json", bytes: 10 } });
    expect(message).to.not.have.property("payload");
    expect(parseQueueMessage(JSON.stringify(message)).ok).to.equal(true);
  });

  it("refuses, naming the field, an event_id, correlation_id or received_at that PostgreSQL would refuse in the batch's statement", () => {
    const message = inlineQueueMessage(header, sampleEvent());
    const refusal = (fields: Record<string, unknown>) => {
      const parsed = parseQueueMessage(JSON.stringify({ ...message, ...fields }));
      return parsed.ok ? "accepted" : parsed.reason;
    };
    expect(refusal({ event_id: "not-a-uuid" })).to.include("event_id must be a UUID");
    expect(refusal({ received_at: "yesterday" })).to.include("received_at must be an RFC 3339 date-time");
    expect(refusal({ received_at: "2024-02-30T10:00:00Z" })).to.include("received_at must be an RFC 3339 date-time");
    expect(refusal({ correlation_id: "a\u0000b" })).to.include("correlation_id must be 1 to 128 printable ASCII characters");
    expect(refusal({ correlation_id: "x".repeat(129) })).to.include("correlation_id must be");
  });

  it("reads an event_id in capitals as PostgreSQL prints it, in lower case", () => {
    const message = inlineQueueMessage({ ...header, eventId: header.eventId.toUpperCase() }, sampleEvent());
    const parsed = parseQueueMessage(JSON.stringify(message));
    expect(parsed.ok && parsed.message.event_id).to.equal(header.eventId);
  });

  it("gives the message attributes SQS carries beside the body", () => {
    expect(queueMessageAttributes(inlineQueueMessage(header, {}))).to.deep.equal({
      correlation_id: { DataType: "String", StringValue: "corr-1" },
      event_id: { DataType: "String", StringValue: header.eventId },
      source: { DataType: "String", StringValue: "web" },
    });
  });

  it("reads a message sent before sources, without one, as the default source's; refuses a malformed source", () => {
    const { source: _source, ...withoutSource } = inlineQueueMessage(header, sampleEvent());
    const parsed = parseQueueMessage(JSON.stringify(withoutSource));
    expect(parsed.ok && sourceOfMessage(parsed.message)).to.equal("default");
    expect(parseQueueMessage(JSON.stringify({ ...withoutSource, source: "Not A Source" })).ok).to.equal(false);
  });
});
