import { expect } from "chai";
import { FluxaRejectedError, FluxaValidationError, type FluxaClient, type FluxaStoredEvent } from "../../../clients/typescript/src";
import { clientOf, startFakeFluxa, type FakeFluxa } from "../../support/fake-fluxa";

describe("TypeScript client: reading events back", () => {
  let fake: FakeFluxa;
  let client: FluxaClient;
  beforeEach(async () => {
    fake = await startFakeFluxa();
    client = clientOf(fake);
    for (let n = 0; n < 7; n++) fake.stored.set(`key-${n}`, { eventId: `00000000-0000-4000-8000-00000000000${n}`, event: { user_id: n < 5 ? "reader" : "other", amount: n } });
  });
  afterEach(async () => {
    await client.close(0);
    await fake.stop();
  });

  it("get() answers a stored event, and undefined for an id Fluxa does not have (yet)", async () => {
    expect(await client.get("00000000-0000-4000-8000-000000000003")).to.deep.include({ event_id: "00000000-0000-4000-8000-000000000003", amount: 3 });
    expect(await client.get("00000000-0000-4000-8000-00000000000f")).to.equal(undefined);
    expect(fake.requests.map((r) => [r.method, r.url, r.headers["x-api-key"]])).to.deep.equal([
      ["GET", "/events/00000000-0000-4000-8000-000000000003", "test-key"],
      ["GET", "/events/00000000-0000-4000-8000-00000000000f", "test-key"],
    ]);
  });

  it("list() walks every page with the cursor and yields each of the user's events once", async () => {
    const seen: FluxaStoredEvent[] = [];
    for await (const event of client.list({ userId: "reader", limit: 2, from: new Date("2026-01-01T00:00:00Z"), to: "2027-01-01T00:00:00Z" })) seen.push(event);

    expect(seen.map((e) => e.amount)).to.deep.equal([0, 1, 2, 3, 4]);
    const queries = fake.requests.map((r) => Object.fromEntries(new URL(r.url, "http://x").searchParams));
    const filters = { user_id: "reader", from: "2026-01-01T00:00:00.000Z", to: "2027-01-01T00:00:00Z", limit: "2" };
    expect(queries).to.deep.equal([filters, { ...filters, cursor: "2" }, { ...filters, cursor: "4" }]);
  });

  it("listPages() yields each page with its next_cursor", async () => {
    const cursors: (string | null)[] = [];
    for await (const page of client.listPages({ userId: "reader", limit: 3 })) cursors.push(page.next_cursor);
    expect(cursors).to.deep.equal(["3", null]);
  });

  it("retries a read that meets a 503, and rejects a refused one with the server's details", async () => {
    const flaky = clientOf(fake, { fetch: onceUnavailable() });
    expect(await flaky.get("00000000-0000-4000-8000-000000000001")).to.deep.include({ amount: 1 });
    await flaky.close(0);

    const refused = await client.list({ userId: "" }).next().catch((error: unknown) => error);
    expect(refused).to.be.instanceOf(FluxaValidationError).and.include({ code: "invalid_query" });
    expect((refused as FluxaValidationError).details).to.deep.equal([{ path: "user_id", message: "is required" }]);
    const forbidden = clientOf(fake, { fetch: () => Promise.resolve(new Response('{"message":"Forbidden"}', { status: 403 })) });
    expect(await forbidden.get("x").catch((error: unknown) => error)).to.be.instanceOf(FluxaRejectedError).and.include({ status: 403, code: "http_403", message: "Forbidden" });
    await forbidden.close(0);
  });
});

/** fetch that answers the first request 503 with Retry-After: 0, then passes requests on. */
function onceUnavailable(): typeof fetch {
  let calls = 0;
  return (input, init) => {
    calls++;
    if (calls === 1) return Promise.resolve(new Response('{"error":"service_unavailable","message":"throttled"}', { status: 503, headers: { "Retry-After": "0" } }));
    return fetch(input, init);
  };
}
