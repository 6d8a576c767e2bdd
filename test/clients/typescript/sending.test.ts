import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { FluxaRejectedError, FluxaValidationError } from "../../../clients/typescript/src";
import { sampleEvent } from "../../../scripts/lib/factories";
import { clientOf, fakeFluxaPerTest } from "../../support/fake-fluxa";

describe("TypeScript client: sending in batches", () => {
  const t = fakeFluxaPerTest();

  it("sends full batches of maxBatchEvents through POST /events/batch and resolves each send with its event_id", async () => {
    t.client = clientOf(t.fake, { maxConcurrentBatches: 1, flushIntervalMs: 3_600_000 });
    const sends = [...Array(250).keys()].map((n) => t.client!.send(sampleEvent({ user_id: `u${n}` })));
    await t.client.flush();
    const sent = await Promise.all(sends);

    expect(t.fake.batchSizes()).to.deep.equal([100, 100, 50]);
    expect(new Set(sent.map((s) => s.idempotencyKey)).size).to.equal(250);
    for (const [n, { eventId, idempotencyKey }] of sent.entries()) {
      expect(t.fake.stored.get(idempotencyKey)).to.deep.equal({ eventId, event: sampleEvent({ user_id: `u${n}` }) });
    }
    const first = t.fake.requests[0];
    expect(first.headers).to.include({ "x-api-key": "test-key", "content-type": "application/json" });
    expect(t.client.stats()).to.deep.equal({ sent: 250, retried: 0, failed: 0, buffered: 0, bufferedBytes: 0 });
  });

  it("keeps each batch's body within maxBatchBytes", async () => {
    const event = sampleEvent({ metadata: { note: "x".repeat(400) } });
    t.client = clientOf(t.fake, { maxBatchBytes: 2048, maxConcurrentBatches: 1, flushIntervalMs: 3_600_000 });
    const sends = [...Array(12).keys()].map(() => t.client!.send(event));
    await t.client.flush();
    await Promise.all(sends);

    const bodies = t.fake.requests.map((r) => Buffer.byteLength(r.body));
    expect(bodies.every((bytes) => bytes <= 2048), String(bodies)).to.equal(true);
    expect(t.fake.batchSizes().reduce((a, b) => a + b)).to.equal(12);
    // Every batch but the last was full: one more item (and its comma) would have passed the limit.
    const itemBytes = Buffer.byteLength(JSON.stringify({ ...event, idempotency_key: randomUUID() }));
    expect(bodies.slice(0, -1).every((bytes) => bytes + 1 + itemBytes > 2048), String(bodies)).to.equal(true);
  });

  it("sends a batch that is not full once flushIntervalMs has passed, without flush()", async () => {
    t.client = clientOf(t.fake, { flushIntervalMs: 20 });
    const sent = await t.client.send(sampleEvent());
    expect(t.fake.batchSizes()).to.deep.equal([1]);
    expect(t.fake.stored.get(sent.idempotencyKey)?.eventId).to.equal(sent.eventId);
  });

  it("matches a 207's results back to each send: refused fields reject that send alone, with the details", async () => {
    t.client = clientOf(t.fake, { flushIntervalMs: 3_600_000 });
    const sends = [sampleEvent({ user_id: "a" }), { ...sampleEvent(), currency: "usd" }, sampleEvent({ user_id: "c" })].map((e) => t.client!.send(e));
    void t.client.flush();
    const [first, refused, third] = await Promise.allSettled(sends);

    expect(first.status).to.equal("fulfilled");
    expect(third.status).to.equal("fulfilled");
    const error = (refused as PromiseRejectedResult).reason as FluxaValidationError;
    expect(error).to.be.instanceOf(FluxaValidationError);
    expect(error.code).to.equal("validation_failed");
    expect(error.details).to.deep.equal([{ path: "currency", message: "must be an ISO 4217 code of 3 capital letters" }]);
    expect(error.idempotencyKey).to.be.a("string");
    expect(t.fake.requests).to.have.length(1);
    expect(t.client.stats()).to.include({ sent: 2, failed: 1, retried: 0 });
  });

  it("uses the caller's idempotency key, and refuses one Fluxa would refuse before sending", async () => {
    t.client = clientOf(t.fake);
    expect(await t.client.send(sampleEvent(), { idempotencyKey: "order-42" })).to.include({ idempotencyKey: "order-42" });
    expect((JSON.parse(t.fake.requests[0].body) as { events: { idempotency_key: string }[] }).events[0].idempotency_key).to.equal("order-42");
    const bad = await t.client.send(sampleEvent(), { idempotencyKey: "has space" }).catch((error: unknown) => error);
    expect(bad).to.be.instanceOf(FluxaValidationError).with.property("details").deep.equal([{ path: "idempotency_key", message: "must be 1 to 255 printable ASCII characters" }]);
    expect(t.fake.requests).to.have.length(1);
  });

  it("refuses an event too large for one batch before sending it, and one that is not JSON", async () => {
    t.client = clientOf(t.fake, { maxBatchBytes: 1024 });
    const large = await t.client.send(sampleEvent({ metadata: { blob: "x".repeat(2000) } })).catch((error: unknown) => error);
    expect(large).to.be.instanceOf(FluxaRejectedError).and.include({ code: "payload_too_large", status: undefined });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const notJson = await t.client.send({ ...sampleEvent(), metadata: cyclic }).catch((error: unknown) => error);
    expect(notJson).to.be.instanceOf(FluxaValidationError);
    expect(t.fake.requests).to.have.length(0);
    expect(t.client.stats().buffered).to.equal(0);
  });
});
