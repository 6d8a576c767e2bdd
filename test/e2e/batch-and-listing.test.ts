import { expect } from "chai";
import { sql } from "slonik";
import type { StoredEvent } from "../../functions/shared/ports";
import { call, eventually, startTestStack, waitForEvent, type StackResponse, type TestStack } from "../../scripts/lib/local-stack-client";
import { sampleEvent } from "../../scripts/lib/factories";

type Result = { index: number; event_id?: string; status?: string; error?: string };

describe("batch ingest and listing end to end (local stack, over HTTP)", function () {
  this.timeout(120_000);
  let t: TestStack;

  before(async () => {
    t = await startTestStack();
  });
  after(async () => {
    await t?.stop();
  });

  const postBatch = (body: unknown, headers: Record<string, string> = {}) =>
    call(t, "POST", "/events/batch", { body: JSON.stringify(body), headers: { "Content-Type": "application/json", ...headers } });
  const resultsOf = (response: StackResponse) => response.body.results as Result[];
  const list = (query: Record<string, string>) => call(t, "GET", `/events?${new URLSearchParams(query).toString()}`);

  async function storedCount(userId: string): Promise<number> {
    return Number(await t.db.oneFirst(sql.unsafe`SELECT count(*) FROM events WHERE user_id = ${userId}`));
  }

  it("answers a mixed batch 207 per event, and stores the valid ones, a payload over 256 KB through S3", async () => {
    const big = sampleEvent({ user_id: "batch-mixed", metadata: { blob: "x".repeat(300 * 1024) } });
    const response = await postBatch({ events: [sampleEvent({ user_id: "batch-mixed" }), { ...sampleEvent(), currency: "usd" }, big] });
    expect(response.status).to.equal(207);
    const results = resultsOf(response);
    expect(results.map((r) => r.status ?? r.error)).to.deep.equal(["enqueued", "validation_failed", "enqueued"]);
    const small = await waitForEvent(t, String(results[0].event_id));
    expect(small.body).to.include({ user_id: "batch-mixed", payload_mode: "INLINE" });
    const large = await waitForEvent(t, String(results[2].event_id));
    expect(large.body.payload_mode).to.equal("S3");
    expect(large.body.metadata).to.deep.equal(big.metadata);
  });

  it("accepts 100 events in one request and lists them newest first across pages, each once", async () => {
    const userId = `batch-many-${Date.now()}`;
    const events = [...Array(100).keys()].map((n) => sampleEvent({ user_id: userId, amount: n }));
    const response = await postBatch({ events });
    expect(resultsOf(response).every((r) => r.status === "enqueued")).to.equal(true);
    await eventually("all 100 events stored", async () => ((await storedCount(userId)) === 100 ? true : undefined));

    const seen: StoredEvent[] = [];
    let cursor: string | null = null;
    do {
      const page: StackResponse = await list({ user_id: userId, limit: "30", ...(cursor ? { cursor } : {}) });
      expect(page.status).to.equal(200);
      seen.push(...(page.body.events as StoredEvent[]));
      cursor = page.body.next_cursor as string | null;
    } while (cursor);
    expect(seen).to.have.length(100);
    expect(new Set(seen.map((e) => e.event_id)).size).to.equal(100);
    const keys = seen.map((e) => `${e.created_at} ${e.event_id}`);
    expect(keys).to.deep.equal([...keys].sort().reverse());
    expect(new Set(resultsOf(response).map((r) => r.event_id))).to.deep.equal(new Set(seen.map((e) => e.event_id)));
  });

  it("gives a retried batch with the same Idempotency-Key the same event_ids and one row each", async () => {
    const userId = "batch-retry";
    const body = { events: [sampleEvent({ user_id: userId, amount: 1 }), sampleEvent({ user_id: userId, amount: 2 })] };
    const first = resultsOf(await postBatch(body, { "Idempotency-Key": "e2e-batch-1" }));
    const retry = resultsOf(await postBatch(body, { "Idempotency-Key": "e2e-batch-1" }));
    expect(retry.map((r) => r.event_id)).to.deep.equal(first.map((r) => r.event_id));
    for (const r of first) await waitForEvent(t, String(r.event_id));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await storedCount(userId)).to.equal(2);
  });

  it("filters a listing by created_at and answers bad parameters, tampered cursors and bad batches with 400", async () => {
    const future = await list({ user_id: "batch-mixed", from: "2999-01-01T00:00:00Z" });
    expect(future.body).to.deep.equal({ events: [], next_cursor: null });
    const cases: [Promise<StackResponse>, string][] = [
      [list({ limit: "5" }), "invalid_query"],
      [list({ user_id: "u", limit: "zero" }), "invalid_query"],
      [list({ user_id: "u", cursor: "bm90LWEtY3Vyc29y" }), "invalid_cursor"],
      [postBatch({ events: [] }), "invalid_batch"],
      [postBatch({ events: Array(101).fill(sampleEvent()) }), "invalid_batch"],
    ];
    for (const [response, error] of cases) {
      const { status, body } = await response;
      expect([status, body.error]).to.deep.equal([400, error]);
    }
  });

  it("refuses both routes without a valid API key", async () => {
    for (const key of [null, "wrong-key"]) {
      expect((await call(t, "GET", "/events?user_id=u", { key })).status).to.equal(403);
      const post = await call(t, "POST", "/events/batch", { key, body: JSON.stringify({ events: [sampleEvent()] }), headers: { "Content-Type": "application/json" } });
      expect(post.status).to.equal(403);
    }
  });
});
