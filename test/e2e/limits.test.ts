import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { sampleEvent } from "../../scripts/lib/factories";
import { startGate, type Gate } from "../support/gate";
import { call, drainQueue, eventually, postEvent, startTestStack, waitForEvent, type TestStack } from "../../scripts/lib/local-stack-client";

interface GatedStack {
  t: TestStack;
  /** Between ingest and SQS. */
  sqsGate: Gate;
  /** Between the processor and SNS. */
  snsGate: Gate;
}

/** For the enclosing describe: a stack whose ingest talks to SQS, and processor to SNS, through gates the test can close. */
function useStackBehindGates(options: Parameters<typeof startTestStack>[0]): GatedStack {
  const gated = {} as GatedStack;
  before(async () => {
    gated.sqsGate = await startGate();
    gated.snsGate = await startGate();
    gated.t = await startTestStack({
      ...options,
      functionEnvironment: { ingest: { AWS_ENDPOINT_URL_SQS: gated.sqsGate.url }, processor: { AWS_ENDPOINT_URL_SNS: gated.snsGate.url } },
    });
    gated.sqsGate.target = gated.snsGate.target = gated.t.stack.awsEndpointUrl;
  });
  after(async () => {
    await gated.t?.stop();
    await gated.sqsGate?.stop();
    await gated.snsGate?.stop();
  });
  return gated;
}

const eventId = (response: { body: Record<string, unknown> }) => String(response.body.event_id);
const until = (what: string, condition: () => boolean) => eventually(what, () => Promise.resolve(condition() || undefined));

describe("local stack limits: reserved concurrency throttles as on Lambda", function () {
  this.timeout(120_000);
  const gated = useStackBehindGates({ reservedConcurrency: { ingest: 1, processor: 1 }, pollerConcurrency: 2 });

  it("answers an ingest beyond its reservation 503 with Retry-After and a JSON error, and takes the retry", async () => {
    const { t, sqsGate } = gated;
    sqsGate.close();
    const first = postEvent(t, sampleEvent({ user_id: "first" }));
    await until("the first ingest to hold the only slot", () => sqsGate.waiting > 0);

    const throttled = await postEvent(t, sampleEvent({ user_id: "second" }));

    assert.equal(throttled.status, 503);
    assert.equal(throttled.headers.get("retry-after"), "1");
    assert.equal(throttled.body.error, "service_unavailable");
    assert.equal(t.stack.functions.throttleCount("ingest"), 1);
    assert.deepEqual(
      t.stackMessages.filter((message) => message.startsWith("throttled: ingest")),
      ["throttled: ingest at its reserved concurrency 1 (TooManyRequestsException); 1 since start"],
    );
    sqsGate.open();
    assert.equal((await first).status, 202);
    const retried = await postEvent(t, sampleEvent({ user_id: "second" }));
    assert.equal(retried.status, 202);
    assert.equal((await waitForEvent(t, eventId(retried))).body.user_id, "second");
  });

  it("returns a throttled batch to the queue and stores it on a later receive", async () => {
    const { t, snsGate } = gated;
    snsGate.close();
    const held = await postEvent(t, sampleEvent({ user_id: "holds-the-slot" }));
    await until("the first batch to hold the processor's only slot", () => snsGate.waiting > 0);
    const throttledBefore = t.stack.functions.throttleCount("processor");

    const later = await postEvent(t, sampleEvent({ user_id: "throttled" }));
    await until("the second poller's batch to be throttled", () => t.stack.functions.throttleCount("processor") > throttledBefore);
    snsGate.open();

    assert.equal((await waitForEvent(t, eventId(later))).body.user_id, "throttled");
    assert.equal((await waitForEvent(t, eventId(held))).body.user_id, "holds-the-slot");
    assert.deepEqual(await drainQueue(t.sqs, t.stack.dlqUrl), []);
  });
});

describe("local stack limits: the mapping's maximum concurrency bounds the processor", function () {
  this.timeout(120_000);
  const gated = useStackBehindGates({ pollerConcurrency: 2, poolSize: 4 });

  it("never runs more processor invocations at once than the mapping's maximum concurrency", async () => {
    const { t, snsGate } = gated;
    snsGate.close();
    const events = Array.from({ length: 40 }, (_, n) => sampleEvent({ user_id: `bounded-${n}` }));
    const accepted = await call(t, "POST", "/events/batch", { body: JSON.stringify({ events }), headers: { "Content-Type": "application/json" } });
    assert.equal(accepted.status, 207);
    await until("two batches to be in flight", () => snsGate.waiting >= 2);
    // Messages are waiting and execution environments are free: only the mapping's bound keeps a third batch out.
    await sleep(1500);

    assert.equal(t.stack.functions.peakConcurrency("processor"), 2);
    snsGate.open();
    const ids = (accepted.body.results as Array<{ event_id: string }>).map((r) => r.event_id);
    for (const id of ids) await waitForEvent(t, id);
    assert.equal(t.stack.functions.peakConcurrency("processor"), 2);
    assert.equal(t.stack.functions.throttleCount("processor"), 0);
  });
});
