import { expect } from "chai";
import { FluxaRejectedError, FluxaRetriesExhaustedError, type FluxaClient, type FluxaLogger } from "../../../clients/typescript/src";
import { sampleEvent } from "../../../scripts/lib/factories";
import { clientOf, startFakeFluxa, type FakeFluxa } from "../../support/fake-fluxa";

type Logged = { message: string; fields?: Record<string, unknown> };

describe("TypeScript client: retries that never duplicate", () => {
  let fake: FakeFluxa;
  let client: FluxaClient | undefined;
  let warnings: Logged[];
  const logger: FluxaLogger = { warn: (message, fields) => warnings.push({ message, fields }) };
  beforeEach(async () => {
    fake = await startFakeFluxa();
    warnings = [];
  });
  afterEach(async () => {
    await client?.close(0);
    await fake.stop();
  });

  const sendThree = (c: FluxaClient) => Promise.all([1, 2, 3].map((n) => c.send(sampleEvent({ amount: n }))));
  const keysSent = (requestIndex: number) =>
    (JSON.parse(fake.requests[requestIndex].body) as { events: { idempotency_key: string }[] }).events.map((e) => e.idempotency_key);

  it("resends a batch whose connection dropped after the server stored it, and the server keeps one event each", async () => {
    fake.script.push({ storeThenDrop: true });
    client = clientOf(fake, { logger });
    const sent = await sendThree(client);

    expect(fake.requests).to.have.length(2);
    expect(keysSent(1)).to.deep.equal(keysSent(0));
    expect(fake.stored.size).to.equal(3);
    for (const { eventId, idempotencyKey } of sent) expect(fake.stored.get(idempotencyKey)?.eventId).to.equal(eventId);
    expect(client.stats()).to.include({ sent: 3, retried: 3, failed: 0 });
    expect(warnings[0].fields).to.include({ attempt: 1, events: 3, wait_from: "backoff" });
  });

  it("retries 500 and 502 with backoff, and resolves once an attempt is accepted", async () => {
    fake.script.push({ answer: 500 }, { answer: 502, body: "<html>Bad Gateway</html>" });
    client = clientOf(fake, { logger });
    const sent = await sendThree(client);

    expect(fake.requests).to.have.length(3);
    expect(new Set([0, 1, 2].map((i) => keysSent(i).join()))).to.have.property("size", 1);
    expect(sent.map((s) => fake.stored.get(s.idempotencyKey)?.eventId)).to.deep.equal(sent.map((s) => s.eventId));
    expect(warnings.map((w) => w.fields?.wait_ms)).to.satisfy((waits: number[]) => waits.every((ms) => ms >= 0 && ms <= 5));
  });

  it("waits what a 503's Retry-After asks, and a 429's up to maxRetryAfterMs", async () => {
    fake.script.push(
      { answer: 503, body: { error: "service_unavailable", message: "throttled" }, headers: { "Retry-After": "1" } },
      { answer: 429, body: { message: "Too Many Requests" }, headers: { "Retry-After": "120" } },
    );
    client = clientOf(fake, { logger, maxRetryAfterMs: 1000 });
    await sendThree(client);

    expect(warnings.map((w) => [w.fields?.reason, w.fields?.wait_ms, w.fields?.wait_from])).to.deep.equal([
      ["POST /events/batch answered 503 (service_unavailable)", 1000, "retry-after"],
      ["POST /events/batch answered 429", 1000, "retry-after"],
    ]);
    expect(fake.stored.size).to.equal(3);
  });

  it("resends only the events a 207 reports enqueue_failed, after its Retry-After", async () => {
    fake.script.push({ enqueueFail: [0, 2] });
    client = clientOf(fake, { logger, maxRetryAfterMs: 10 });
    const sent = await sendThree(client);

    expect(keysSent(1)).to.deep.equal([sent[0].idempotencyKey, sent[2].idempotencyKey]);
    expect(fake.stored.size).to.equal(3);
    expect(warnings[0].fields).to.include({ reason: "2 events not enqueued", events: 2, wait_ms: 10, wait_from: "retry-after" });
    expect(client.stats()).to.include({ sent: 3, retried: 2 });
  });

  it("aborts a request that outlasts requestTimeoutMs and resends it", async () => {
    fake.script.push({ hang: true });
    client = clientOf(fake, { logger, requestTimeoutMs: 200 });
    await sendThree(client);
    expect(fake.requests).to.have.length(2);
    expect(String(warnings[0].fields?.reason)).to.match(/^POST \/events\/batch failed: .*(timeout|aborted)/i);
    expect(fake.stored.size).to.equal(3);
  });

  it("gives up after maxAttempts, rejecting each send with the last failure and its key", async () => {
    fake.script.push(...Array<{ answer: number }>(3).fill({ answer: 503 }));
    client = clientOf(fake, { maxAttempts: 3 });
    const outcomes = await Promise.allSettled([client.send(sampleEvent()), client.send(sampleEvent())]);

    expect(fake.requests).to.have.length(3);
    for (const outcome of outcomes) {
      const error = (outcome as PromiseRejectedResult).reason as FluxaRetriesExhaustedError;
      expect(error).to.be.instanceOf(FluxaRetriesExhaustedError).and.include({ code: "retries_exhausted", attempts: 3 });
      expect(error.lastFailure).to.equal("POST /events/batch answered 503 (scripted)");
      expect(error.idempotencyKey).to.be.a("string");
    }
    expect(client.stats()).to.include({ sent: 0, failed: 2, retried: 4 });
  });

  it("never retries a 4xx about the request: each send rejects with the server's code and status", async () => {
    for (const [status, error] of [[403, undefined], [400, "invalid_batch"], [415, "unsupported_media_type"]] as const) {
      fake.script.push({ answer: status, body: error === undefined ? { message: "Forbidden" } : { error, message: "no" } });
      client = clientOf(fake);
      const refused = await client.send(sampleEvent()).catch((e: unknown) => e);
      expect(refused).to.be.instanceOf(FluxaRejectedError).and.include({ status, code: error ?? `http_${status}` });
      await client.close(0);
    }
    expect(fake.requests).to.have.length(3);
  });

  it("halves a batch the server finds too large (413) until each part fits, storing every event once", async () => {
    fake.script.push({ answer: 413, body: { error: "payload_too_large", message: "too large" } });
    client = clientOf(fake, { flushIntervalMs: 3_600_000 });
    const sends = [1, 2, 3, 4].map((n) => client!.send(sampleEvent({ amount: n })));
    await client.flush();
    await Promise.all(sends);
    expect(fake.batchSizes()).to.deep.equal([4, 2, 2]);
    expect(fake.stored.size).to.equal(4);
  });
});
