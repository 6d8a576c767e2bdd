import { expect } from "chai";
import { createQueryHandler } from "../../../functions/query/get-event";
import type { EventInput } from "../../../functions/shared/event-schema";
import type { EventRepository, PayloadMode } from "../../../functions/shared/ports";
import { FakeEventRepository, RecordingMetrics, recordingLogger, sequentialIds, unavailableStore } from "../../support/fakes";
import { apiRequest, callerContext, newEvent, sampleEvent, testEventId, testSourceDirectory } from "../../../scripts/lib/factories";

const id = testEventId(1);

function setUp(events: EventRepository) {
  const metrics = new RecordingMetrics();
  const handler = createQueryHandler({ ports: { events }, ids: sequentialIds(), log: recordingLogger().log, metrics, sources: testSourceDirectory });
  const get = (eventId: string, apiKeyId = "key-web-1") =>
    handler(
      apiRequest({ httpMethod: "GET", resource: "/events/{id}", path: `/events/${eventId}`, body: null, pathParameters: { id: eventId }, requestContext: callerContext(apiKeyId) }),
      { awsRequestId: "req" },
    );
  return { metrics, get };
}

/** The handler over a store holding one event, `id`. */
async function setUpStoring(event: EventInput, payloadMode: PayloadMode) {
  const store = new FakeEventRepository();
  await store.persist([newEvent(1, { event, payloadMode })]);
  return setUp(store);
}

describe("query", () => {
  it("answers 200 with the stored event", async () => {
    const { get, metrics } = await setUpStoring(sampleEvent(), "INLINE");
    const response = await get(id.toUpperCase());
    expect(response.statusCode).to.equal(200);
    expect(JSON.parse(response.body)).to.include({ event_id: id, amount: 99.99, payload_mode: "INLINE" });
    expect(metrics.total("query_success")).to.equal(1);
  });

  it("answers an event whose response would pass Lambda's 6 MB limit without its metadata, flagged", async () => {
    // 1.6 MB of quotes: 3.2 MB once in the event's JSON, 6.4 MB once that JSON is the proxy result's body.
    const metadata = { quotes: '"'.repeat(1_600_000) };
    const { get } = await setUpStoring(sampleEvent({ metadata }), "S3");

    const response = await get(id);

    expect(response.statusCode).to.equal(200);
    expect(Buffer.byteLength(JSON.stringify(response))).to.be.below(6 * 1024 * 1024);
    expect(JSON.parse(response.body)).to.include({ event_id: id, amount: 99.99, metadata: null, metadata_omitted: true });
  });

  it("answers an event just as large in its raw bytes, but without quotes to escape, whole", async () => {
    const metadata = { letters: "x".repeat(1_600_000) };
    const { get } = await setUpStoring(sampleEvent({ metadata }), "S3");

    const body = JSON.parse((await get(id)).body) as Record<string, unknown>;

    expect(body.metadata).to.deep.equal(metadata);
    expect(body).to.not.have.property("metadata_omitted");
  });

  it("answers 404 not_found for an unknown id and 400 for an id that is not a UUID", async () => {
    const { get, metrics } = setUp(new FakeEventRepository());
    const missing = await get(id);
    expect(missing.statusCode).to.equal(404);
    expect(JSON.parse(missing.body)).to.include({ error: "not_found" });
    expect(metrics.total("query_not_found")).to.equal(1);
    for (const bad of ["123", "../../etc/passwd", `${id}x`, "' OR 1=1 --"]) {
      const response = await get(bad);
      expect(response.statusCode, bad).to.equal(400);
      expect(JSON.parse(response.body)).to.include({ error: "invalid_event_id" });
    }
  });

  it("answers another source's event exactly as an unknown id, serves it under either key of its own source, and an unknown key id 403", async () => {
    const { get } = await setUpStoring(sampleEvent(), "INLINE");
    const unknown = await setUp(new FakeEventRepository()).get(id);
    const otherSource = await get(id, "key-mobile-1");
    expect(otherSource.statusCode).to.equal(404);
    expect(otherSource.body.replace(/corr-\d+/, "")).to.equal(unknown.body.replace(/corr-\d+/, ""));
    expect(JSON.parse((await get(id, "key-web-2")).body)).to.include({ event_id: id, source: "web" });
    const refused = await get(id, "key-revoked");
    expect(refused.statusCode).to.equal(403);
    expect(JSON.parse(refused.body)).to.include({ error: "invalid_api_key" });
  });

  it("answers 503 with a JSON error when the database is unreachable", async () => {
    const { get, metrics } = setUp(unavailableStore());
    const response = await get(id);
    expect(response.statusCode).to.equal(503);
    expect(JSON.parse(response.body)).to.include({ error: "query_failed" });
    expect(metrics.total("query_failure")).to.equal(1);
  });
});
