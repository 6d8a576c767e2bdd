import { expect } from "chai";
import { createListHandler } from "../../../functions/query/list-events";
import { decodeCursor, encodeCursor, parseListRequest } from "../../../functions/query/listing";
import type { EventRepository, StoredEvent } from "../../../functions/shared/ports";
import { FakeEventRepository, RecordingMetrics, recordingLogger, sequentialIds, unavailableStore } from "../../support/fakes";
import { apiRequest, callerContext, sampleEvent, testSource, testSourceDirectory } from "../../../scripts/lib/factories";

const id = (n: number) => `00000000-0000-7000-8000-${String(n).padStart(12, "0")}`;

function storedEvent(n: number, createdAt: string, userId = "user123"): StoredEvent {
  return { ...sampleEvent({ user_id: userId }), event_id: id(n), source: testSource, correlation_id: "c", metadata: null, payload_mode: "INLINE", created_at: createdAt };
}

function setUp(events: EventRepository) {
  const metrics = new RecordingMetrics();
  const handler = createListHandler({ ports: { events }, ids: sequentialIds(), log: recordingLogger().log, metrics, sources: testSourceDirectory });
  const list = async (query: Record<string, string>, apiKeyId = "key-web-1") => {
    const request = apiRequest({ httpMethod: "GET", resource: "/events", body: null, queryStringParameters: query, requestContext: callerContext(apiKeyId) });
    const response = await handler(request, { awsRequestId: "req" });
    return { status: response.statusCode, body: JSON.parse(response.body) as Record<string, unknown>, lambdaBytes: Buffer.byteLength(JSON.stringify(response)) };
  };
  return { metrics, list };
}

describe("query: GET /events parameters", () => {
  const invalid = (query: Record<string, string>) => {
    const parsed = parseListRequest(query);
    return parsed.ok ? [] : parsed.details.map((d) => `${parsed.error} ${d.path}`);
  };

  it("requires user_id and refuses unknown parameters, bad instants, from after to, and a limit that is not a whole number from 1 to 500", () => {
    expect(invalid({})).to.deep.equal(["invalid_query user_id"]);
    expect(invalid({ user_id: "" })).to.deep.equal(["invalid_query user_id"]);
    expect(invalid({ user_id: "u".repeat(129) })).to.deep.equal(["invalid_query user_id"]);
    expect(invalid({ user_id: "u", userId: "u" })).to.deep.equal(["invalid_query userId"]);
    expect(invalid({ user_id: "u", from: "yesterday", to: "2024-02-30T00:00:00Z" })).to.deep.equal(["invalid_query from", "invalid_query to"]);
    expect(invalid({ user_id: "u", from: "2024-01-02T00:00:00Z", to: "2024-01-01T00:00:00Z" })).to.deep.equal(["invalid_query to"]);
    for (const limit of ["0", "-1", "1.5", "ten", "", "501", "100000"]) expect(invalid({ user_id: "u", limit }), limit).to.deep.equal(["invalid_query limit"]);
  });

  it("defaults the limit to 50 and takes any from 1 to 500 as given", () => {
    const limitOf = (query: Record<string, string>) => {
      const parsed = parseListRequest({ user_id: "u", ...query });
      return parsed.ok ? parsed.query.limit : undefined;
    };
    expect([limitOf({}), limitOf({ limit: "1" }), limitOf({ limit: "7" }), limitOf({ limit: "500" })]).to.deep.equal([50, 1, 7, 500]);
  });

  it("reads back the cursors it wrote and refuses anything else as invalid_cursor", () => {
    const key = { createdAt: "2024-01-15T10:30:01.123456Z", eventId: id(9) };
    expect(decodeCursor(encodeCursor(key))).to.deep.equal(key);
    const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const tampered = [
      "!!!",
      encodeCursor(key).slice(0, -3),
      `${encodeCursor(key)}x`,
      forged({ createdAt: key.createdAt, eventId: key.eventId }),
      forged(["yesterday", key.eventId]),
      forged([key.createdAt, "not-a-uuid"]),
      forged([key.createdAt, key.eventId, "extra"]),
    ];
    for (const cursor of tampered) expect(invalid({ user_id: "u", cursor }), cursor).to.deep.equal(["invalid_cursor cursor"]);
  });
});

describe("query: GET /events", () => {
  it("pages through a user's events newest first, ties broken by event_id, and ends with next_cursor null", async () => {
    const store = new FakeEventRepository();
    const rows = [storedEvent(1, "2024-01-15T10:00:00.000Z"), storedEvent(2, "2024-01-15T11:00:00.000Z"), storedEvent(3, "2024-01-15T11:00:00.000Z")];
    for (const row of [...rows, storedEvent(4, "2024-01-15T12:00:00.000Z", "someone-else")]) store.rows.set(row.event_id, { ...row, published: true });
    const { list, metrics } = setUp(store);
    const first = await list({ user_id: "user123", limit: "2" });
    expect(first.status).to.equal(200);
    expect((first.body.events as StoredEvent[]).map((e) => e.event_id)).to.deep.equal([id(3), id(2)]);
    expect(first.body.next_cursor).to.be.a("string");
    const second = await list({ user_id: "user123", limit: "2", cursor: String(first.body.next_cursor) });
    expect((second.body.events as StoredEvent[]).map((e) => e.event_id)).to.deep.equal([id(1)]);
    expect(second.body.next_cursor).to.equal(null);
    expect(store.listQueries[1].after).to.deep.equal({ createdAt: "2024-01-15T11:00:00.000Z", eventId: id(2) });
    expect(metrics.total("query_success")).to.equal(2);
  });

  it("lists only the caller's source: the same user's events of another source are not there, and an unknown key id is 403", async () => {
    const store = new FakeEventRepository();
    const web = storedEvent(1, "2024-01-15T10:00:00.000Z");
    const mobile = { ...storedEvent(2, "2024-01-15T11:00:00.000Z"), source: "mobile" };
    for (const row of [web, mobile]) store.rows.set(row.event_id, { ...row, published: true });
    const { list } = setUp(store);
    const ids = async (apiKeyId: string) => ((await list({ user_id: "user123" }, apiKeyId)).body.events as StoredEvent[]).map((e) => e.event_id);
    expect(await ids("key-web-2")).to.deep.equal([id(1)]);
    expect(await ids("key-mobile-1")).to.deep.equal([id(2)]);
    expect(store.listQueries.map((q) => q.source)).to.deep.equal(["web", "mobile"]);
    expect((await list({ user_id: "user123" }, "key-revoked")).status).to.equal(403);
    expect(store.listQueries).to.have.length(2);
  });

  it("cuts pages by their size as Lambda counts it, so a walk under 6 MB a page serves every event once", async () => {
    const store = new FakeEventRepository();
    // Quotes count four times: escaped in the event's JSON, and again when that JSON is the proxy result's body.
    const quotes = [600_000, 600_000, 600_000, 1_600_000, 10, 10];
    quotes.forEach((count, i) => {
      const row = { ...storedEvent(i + 1, `2024-01-15T10:00:0${9 - i}.000Z`), metadata: { quotes: '"'.repeat(count) } };
      store.rows.set(row.event_id, { ...row, published: true });
    });
    const { list } = setUp(store);

    const pages: { ids: string[]; omitted: string[] }[] = [];
    let cursor: string | undefined;
    do {
      const page = await list({ user_id: "user123", limit: "500", ...(cursor && { cursor }) });
      expect(page.status).to.equal(200);
      expect(page.lambdaBytes).to.be.below(6 * 1024 * 1024);
      const events = page.body.events as Array<StoredEvent & { metadata_omitted?: true }>;
      pages.push({ ids: events.map((e) => e.event_id), omitted: events.filter((e) => e.metadata_omitted).map((e) => e.event_id) });
      cursor = (page.body.next_cursor as string | null) ?? undefined;
    } while (cursor && pages.length < 10);

    expect(pages).to.deep.equal([
      { ids: [id(1), id(2)], omitted: [] },
      { ids: [id(3)], omitted: [] },
      { ids: [id(4)], omitted: [id(4)] },
      { ids: [id(5), id(6)], omitted: [] },
    ]);
  });

  it("reads the metadata of only the events a page serves whole, however many the limit lets it list", async () => {
    const store = new FakeEventRepository();
    for (let n = 1; n <= 40; n++) {
      const row = { ...storedEvent(n, `2024-01-15T10:00:${String(60 - n).padStart(2, "0")}.000Z`), metadata: { text: "x".repeat(1_100_000) } };
      store.rows.set(row.event_id, { ...row, published: true });
    }
    const { list } = setUp(store);

    const page = await list({ user_id: "user123", limit: "500" });

    // 1.1 MB each under a budget of just over 6 MB: five fit.
    expect((page.body.events as StoredEvent[]).map((e) => e.event_id)).to.deep.equal([1, 2, 3, 4, 5].map(id));
    expect(store.metadataReads).to.deep.equal([[1, 2, 3, 4, 5].map(id)]);
  });

  it("reads no metadata for a page whose one event is served without it", async () => {
    const store = new FakeEventRepository();
    const row = { ...storedEvent(1, "2024-01-15T10:00:00.000Z"), metadata: { text: "x".repeat(7_000_000) } };
    store.rows.set(row.event_id, { ...row, published: true });
    const { list } = setUp(store);

    const page = await list({ user_id: "user123" });

    expect(page.body.events).to.deep.equal([{ ...storedEvent(1, "2024-01-15T10:00:00.000Z"), metadata_omitted: true }]);
    expect(store.metadataReads).to.deep.equal([[]]);
  });

  it("answers 400 with details for bad parameters and a tampered cursor, without reading the store", async () => {
    const store = new FakeEventRepository();
    const { list, metrics } = setUp(store);
    const missing = await list({ limit: "5" });
    expect(missing.status).to.equal(400);
    expect(missing.body).to.include({ error: "invalid_query" });
    expect(missing.body.details).to.deep.equal([{ path: "user_id", message: "is required" }]);
    const tampered = await list({ user_id: "u", cursor: "eyJub3QiOiJhIGN1cnNvciJ9" });
    expect(tampered.status).to.equal(400);
    expect(tampered.body).to.include({ error: "invalid_cursor" });
    expect(store.listQueries).to.have.length(0);
    expect(metrics.total("query_failure")).to.equal(2);
  });

  it("answers 503 with a JSON error when the database is unreachable", async () => {
    const { list } = setUp(unavailableStore());
    const response = await list({ user_id: "u" });
    expect(response.status).to.equal(503);
    expect(response.body).to.include({ error: "query_failed" });
  });
});
