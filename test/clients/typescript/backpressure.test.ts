import { expect } from "chai";
import { FluxaBufferFullError, FluxaClosedError } from "../../../clients/typescript/src";
import { sampleEvent } from "../../../scripts/lib/factories";
import { clientOf, fakeFluxaPerTest } from "../../support/fake-fluxa";

describe("TypeScript client: a bounded buffer", () => {
  const t = fakeFluxaPerTest();

  it("holds at most maxBufferedEvents; later sends wait their turn and are all sent", async () => {
    t.client = clientOf(t.fake, { maxBufferedEvents: 5, maxBatchEvents: 5, maxConcurrentBatches: 1 });
    const held: number[] = [];
    t.fake.onBatch = () => held.push(t.client!.stats().buffered);
    const sends = [...Array(23).keys()].map((n) => t.client!.send(sampleEvent({ amount: n })));
    expect(t.client.stats().buffered).to.equal(5);
    await Promise.all(sends);

    expect(Math.max(...held)).to.equal(5);
    expect(t.fake.batchSizes().reduce((a, b) => a + b)).to.equal(23);
    expect(t.fake.stored.size).to.equal(23);
    const amounts = t.fake.requests.flatMap((r) => (JSON.parse(r.body) as { events: { amount: number }[] }).events.map((e) => e.amount));
    expect(amounts).to.deep.equal([...Array(23).keys()]);
  });

  it("reads a waiting event when it gets room, not before: a send beyond the bound holds no copy of it", async () => {
    t.client = clientOf(t.fake, { maxBufferedEvents: 1 });
    const waiting = sampleEvent({ amount: 1 });
    const sends = [t.client.send(sampleEvent()), t.client.send(waiting)];
    waiting.amount = 42;
    const [, sent] = await Promise.all(sends);
    expect(t.fake.stored.get(sent.idempotencyKey)?.event.amount).to.equal(42);
  });

  it("holds at most maxBufferedBytes of events' JSON", async () => {
    const event = sampleEvent({ metadata: { note: "y".repeat(900) } });
    t.client = clientOf(t.fake, { maxBufferedBytes: 4096, maxBatchBytes: 4096, maxConcurrentBatches: 1 });
    const held: number[] = [];
    t.fake.onBatch = () => held.push(t.client!.stats().bufferedBytes);
    await Promise.all([...Array(12).keys()].map(() => t.client!.send(event)));
    expect(Math.max(...held)).to.be.at.most(4096).and.above(2048);
    expect(t.fake.stored.size).to.equal(12);
  });

  it("fails fast with FluxaBufferFullError when told to, and takes events again once there is room", async () => {
    t.fake.script.push({ hang: true });
    t.client = clientOf(t.fake, { maxBufferedEvents: 2, whenFull: "fail", requestTimeoutMs: 300 });
    const first = [t.client.send(sampleEvent()), t.client.send(sampleEvent())];
    const refused = await t.client.send(sampleEvent()).catch((error: unknown) => error);
    expect(refused).to.be.instanceOf(FluxaBufferFullError).and.include({ code: "buffer_full" });
    expect((refused as Error).message).to.include("2 events");
    await Promise.all(first);
    await t.client.send(sampleEvent());
    expect(t.fake.stored.size).to.equal(3);
  });

  it("refuses the sends still waiting for room when close() begins", async () => {
    t.fake.script.push({ hang: true });
    t.client = clientOf(t.fake, { maxBufferedEvents: 1 });
    const held = t.client.send(sampleEvent()).catch((error: unknown) => error);
    const waiting = t.client.send(sampleEvent()).catch((error: unknown) => error);
    await t.client.close(50);
    expect(await waiting).to.be.instanceOf(FluxaClosedError);
    expect(await held).to.have.property("code", "not_sent");
  });
});
