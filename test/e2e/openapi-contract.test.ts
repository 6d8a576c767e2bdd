import assert from "node:assert/strict";
import { sampleEvent } from "../../scripts/lib/factories";
import { eventually, startTestStack, type TestStack } from "../../scripts/lib/local-stack-client";
import { maxRequestBodyBytes } from "../../scripts/local-stack/api-gateway";
import { startGate, type Gate } from "../support/gate";
import { loadContract, type Answer, type Contract } from "../support/openapi-contract";

interface Exchange {
  readonly method: string;
  readonly path: string;
  readonly answer: Answer;
}

const json = { "Content-Type": "application/json" };
const unknownEventId = "01a21393-3846-7825-a33f-000000000000";

/**
 * The local stack's answers to good and bad requests, each validated against docs/openapi.json:
 * a status the operation does not document, a body or header its schemas refuse, or an answer
 * without X-Correlation-ID fails here instead of in a generated client.
 */
describe("docs/openapi.json against the local stack's answers", function () {
  this.timeout(180_000);
  let t: TestStack;
  let sqsGate: Gate;
  let contract: Contract;
  const exchanges: Exchange[] = [];

  before(async () => {
    contract = await loadContract();
    sqsGate = await startGate();
    t = await startTestStack({ reservedConcurrency: { ingest: 1 }, functionEnvironment: { ingest: { AWS_ENDPOINT_URL_SQS: sqsGate.url } } });
    sqsGate.target = t.stack.awsEndpointUrl;
  });

  after(async () => {
    await t?.stop();
    await sqsGate?.stop();
  });

  async function send(method: string, path: string, init: { body?: string | Buffer; headers?: Record<string, string>; key?: string | null } = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    const key = init.key === undefined ? t.apiKey : init.key;
    if (key !== null) headers["x-api-key"] = key;
    const response = await fetch(`${t.stack.apiUrl}${path}`, { method, headers, body: init.body });
    const answer = { status: response.status, headers: response.headers, text: await response.text() };
    exchanges.push({ method, path: path.split("?")[0], answer });
    return answer;
  }

  /** Every answer since the last check kept to the document: status, body, headers, X-Correlation-ID. */
  function assertKeptToContract(): void {
    const mismatches = exchanges.flatMap(({ method, path, answer }) => contract.mismatches(method, path, answer).map((m) => `${method} ${path} → ${answer.status}: ${m}`));
    exchanges.length = 0;
    assert.deepEqual(mismatches, []);
  }

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) => send("POST", path, { body: JSON.stringify(body), headers: { ...json, ...headers } });
  const statusOf = async (answer: Promise<Answer>) => (await answer).status;

  it("answers good requests as documented", async () => {
    assert.equal(await statusOf(send("GET", "/health", { key: null })), 200);
    const accepted = await post("/events", sampleEvent({ user_id: "contract-user" }), { "X-Correlation-ID": "contract-1" });
    assert.equal(accepted.status, 202);
    const eventId = (JSON.parse(accepted.text) as { event_id: string }).event_id;
    assert.equal(await statusOf(post("/events", sampleEvent({ user_id: "contract-user" }), { "Idempotency-Key": "contract-key" })), 202);
    const batch = await post("/events/batch", { events: [sampleEvent({ user_id: "contract-user" }), { ...sampleEvent(), currency: "usd" }, { ...sampleEvent(), idempotency_key: "item-key" }] });
    assert.equal(batch.status, 207);
    await eventually(`event ${eventId} to be readable`, async () => ((await send("GET", `/events/${eventId}`)).status === 200 ? true : undefined));
    assert.equal(await statusOf(send("GET", "/events?user_id=contract-user&limit=2")), 200);
    assert.equal(await statusOf(send("GET", "/events?user_id=nobody&from=2024-01-01T00:00:00Z&to=2030-01-01T00:00:00Z")), 200);
    assertKeptToContract();
  });

  it("answers bad requests with documented errors", async () => {
    const cases: Array<[() => Promise<Answer>, number]> = [
      [() => send("POST", "/events", { body: "{broken", headers: json }), 400],
      [() => post("/events", { ...sampleEvent(), amount: "NaN", unknown: 1 }), 400],
      [() => post("/events", sampleEvent(), { "Idempotency-Key": "" }), 400],
      [() => send("POST", "/events", { body: JSON.stringify(sampleEvent()), headers: { "Content-Type": "text/plain" } }), 415],
      [() => post("/events", { ...sampleEvent(), metadata: { blob: "x".repeat(5 * 1024 * 1024) } }), 413],
      [() => send("POST", "/events", { body: JSON.stringify(sampleEvent()), headers: json, key: null }), 403],
      [() => send("POST", "/events", { body: JSON.stringify(sampleEvent()), headers: json, key: "wrong-key" }), 403],
      [() => post("/events/batch", { events: [] }), 400],
      [() => send("POST", "/events/batch", { body: "[]", headers: { "Content-Type": "text/plain" } }), 415],
      [() => send("GET", "/events?user_id=contract-user&limit=1000"), 400],
      [() => send("GET", "/events?user_id=contract-user&cursor=not-a-cursor"), 400],
      [() => send("GET", "/events?userId=contract-user"), 400],
      [() => send("GET", "/events/not-a-uuid"), 400],
      [() => send("GET", `/events/${unknownEventId}`), 404],
      [() => send("GET", `/events/${unknownEventId}`, { key: null }), 403],
      [() => send("DELETE", "/events"), 404],
      [() => send("GET", "/nowhere", { key: null }), 404],
    ];
    // One at a time: ingest has a single slot here.
    for (const [request, status] of cases) {
      const { status: got, text } = await request();
      assert.equal(got, status, text);
    }
    assertKeptToContract();
  });

  it("answers a body over API Gateway's 10 MB limit, on both POST routes, with the documented 413", async () => {
    const oversize = Buffer.alloc(maxRequestBodyBytes + 1, 0x20);
    for (const path of ["/events", "/events/batch"]) {
      const answer = await send("POST", path, { body: oversize, headers: json });
      assert.equal(answer.status, 413);
      assert.equal((JSON.parse(answer.text) as { error: string }).error, "payload_too_large");
    }
    assertKeptToContract();
  });

  it("answers a throttled ingest (beyond its reserved concurrency) with the documented 503, on both POST routes", async () => {
    sqsGate.close();
    const holding = post("/events", sampleEvent({ user_id: "holds-the-slot" }));
    await eventually("the first ingest to hold the only slot", () => Promise.resolve(sqsGate.waiting > 0 || undefined));
    const throttled = [await post("/events", sampleEvent()), await post("/events/batch", { events: [sampleEvent()] })];
    sqsGate.open();
    assert.equal((await holding).status, 202);
    for (const answer of throttled) {
      assert.equal(answer.status, 503);
      assert.equal((JSON.parse(answer.text) as { error: string }).error, "service_unavailable");
    }
    assertKeptToContract();
  });

  it("answers an ingest whose queue is unreachable with the documented 503 and 207 enqueue_failed", async () => {
    // Last: ingest's SQS endpoint is gone for the rest of this stack's life.
    await sqsGate.stop();
    assert.equal(await statusOf(post("/events", sampleEvent())), 503);
    const batch = await post("/events/batch", { events: [sampleEvent()] });
    assert.equal(batch.status, 207);
    assert.equal((JSON.parse(batch.text) as { results: { status: string }[] }).results[0].status, "enqueue_failed");
    assertKeptToContract();
  });

});
