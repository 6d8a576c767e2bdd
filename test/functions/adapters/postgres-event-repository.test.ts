import { expect } from "chai";
import { sql } from "slonik";
import { bodyBytesOf } from "../../../functions/shared/body-bytes";
import { createDatabasePool } from "../../../functions/shared/database";
import { applyMigrations } from "../../../functions/shared/migrations";
import { migrationsDirectory, useTestStore } from "../../support/database";
import { newEvent, sampleEvent, testEventId } from "../../../scripts/lib/factories";

const eventId = testEventId;

describe("PostgreSQL event store (embedded PostgreSQL, real migrations)", function () {
  this.timeout(60_000);
  const suite = useTestStore();

  const count = async (table: "events" | "idempotency_keys") =>
    Number(await suite.db.pool.oneFirst(sql.unsafe`SELECT count(*) FROM ${sql.identifier([table])}`));

  it("keeps a connection's session between queries: no reset round trip after each one", async () => {
    const pool = await createDatabasePool({ DATABASE_URL: suite.db.url, DB_POOL_SIZE: "1" });
    try {
      await pool.query(sql.unsafe`SELECT set_config('application_name', 'fluxa-session-kept', false)`);
      expect(await pool.oneFirst(sql.unsafe`SELECT current_setting('application_name')`)).to.equal("fluxa-session-kept");
    } finally {
      await pool.end();
    }
  });

  it("re-applying the migrations changes nothing", async () => {
    expect(await applyMigrations(suite.db.url, migrationsDirectory)).to.deep.equal([]);
  });

  it("stores a batch in events alone and returns the unpublished rows", async () => {
    const { unpublished } = await suite.store.persist([newEvent(1), newEvent(2, { payloadMode: "S3", payloadKey: "raw/2024-01-15/x.json" })]);
    expect(unpublished.map((e) => e.event_id).sort()).to.deep.equal([eventId(1), eventId(2)]);
    expect(await count("events")).to.equal(2);
    // The seed's idempotency_keys table stays for compatibility; events.payload_sha256 does its job.
    expect(await count("idempotency_keys")).to.equal(0);
  });

  it("keeps exactly one row per event_id across redeliveries and duplicates inside a batch", async () => {
    await suite.store.persist([newEvent(1), newEvent(1)]);
    await suite.store.persist([newEvent(1), newEvent(2)]);
    await Promise.all([suite.store.persist([newEvent(3)]), suite.store.persist([newEvent(3)])]);
    expect(await count("events")).to.equal(3);
  });

  it("returns a stored but unpublished event again until it is marked published (outbox)", async () => {
    await suite.store.persist([newEvent(1)]);
    expect((await suite.store.persist([newEvent(1)])).unpublished.map((e) => e.event_id)).to.deep.equal([eventId(1)]);
    await suite.store.markPublished([eventId(1)]);
    expect(await suite.store.persist([newEvent(1)])).to.deep.equal({ unpublished: [], conflicting: [], erased: [] });
  });

  it("commits the outbox mark asynchronously and leaves the session's synchronous_commit as it was", async () => {
    await suite.store.persist([newEvent(1)]);
    const inMark = await suite.db.pool.transaction(async (transaction) => {
      await transaction.query(sql.unsafe`SELECT mark_published(${sql.array([eventId(1)], "uuid")})`);
      return String(await transaction.oneFirst(sql.unsafe`SELECT current_setting('synchronous_commit')`));
    });
    expect(inMark).to.equal("off");
    expect(await suite.db.pool.oneFirst(sql.unsafe`SELECT current_setting('synchronous_commit')`)).to.equal("on");
    expect(await suite.store.persist([newEvent(1)])).to.deep.equal({ unpublished: [], conflicting: [], erased: [] });
  });

  it("returns new events and earlier deliveries' unpublished events of one batch together", async () => {
    await suite.store.persist([newEvent(1), newEvent(2)]);
    await suite.store.markPublished([eventId(2)]);
    const { unpublished, conflicting } = await suite.store.persist([newEvent(1), newEvent(2), newEvent(3)]);
    expect(unpublished.map((e) => e.event_id).sort()).to.deep.equal([eventId(1), eventId(3)]);
    expect(conflicting).to.deep.equal([]);
  });

  it("reports an event_id stored before with another payload as conflicting and keeps the first payload", async () => {
    await suite.store.persist([newEvent(1)]);
    await suite.store.markPublished([eventId(1)]);
    const retried = await suite.store.persist([newEvent(1, { payloadSha256: "b".repeat(64), event: sampleEvent({ amount: 5 }) }), newEvent(2)]);
    expect(retried.conflicting).to.deep.equal([eventId(1)]);
    expect(retried.unpublished.map((e) => e.event_id)).to.deep.equal([eventId(2)]);
    expect((await suite.store.findById(eventId(1), "web"))?.amount).to.equal(99.99);
  });

  it("serves an event as the API promises: numbers, timestamps, metadata, payload mode", async () => {
    const event = sampleEvent({ amount: 1234567.891, timestamp: "2024-01-15T12:30:00+02:00", metadata: { nested: { list: [1, "two", null] } } });
    await suite.store.persist([newEvent(7, { event })]);
    const found = await suite.store.findById(eventId(7), "web");
    expect(found).to.include({
      event_id: eventId(7),
      correlation_id: "corr-7",
      user_id: event.user_id,
      amount: 1234567.891,
      currency: "USD",
      merchant: "Amazon",
      timestamp: "2024-01-15T10:30:00.000Z",
      payload_mode: "INLINE",
    });
    expect(found?.metadata).to.deep.equal({ nested: { list: [1, "two", null] } });
    expect(Number.isNaN(Date.parse(found?.created_at ?? ""))).to.equal(false);
    expect(await suite.store.findById(eventId(8), "web")).to.equal(undefined);
  });

  it("records, beside each event, the bytes its metadata as stored adds to a query answer", async () => {
    const metadata = { escaped: '"\\\n', beyondAscii: "é€😀", numbers: [1e21, 0.1, -0] };
    await suite.store.persist([newEvent(1, { event: sampleEvent({ metadata }) }), newEvent(2, { event: sampleEvent({ metadata: undefined }) })]);
    const recorded = async (n: number) =>
      Number(await suite.db.pool.oneFirst(sql.unsafe`SELECT metadata_escaped_bytes FROM events WHERE event_id = ${eventId(n)}`));
    expect(await recorded(1)).to.equal(bodyBytesOf((await suite.store.findById(eventId(1), "web"))?.metadata));
    expect(await recorded(2)).to.equal(bodyBytesOf(null));
  });

  it("stores amounts exactly in numeric, including extremes a double can hold", async () => {
    await suite.store.persist([newEvent(1, { event: sampleEvent({ amount: 1e21 }) }), newEvent(2, { event: sampleEvent({ amount: -0.000001 }) })]);
    expect((await suite.store.findById(eventId(1), "web"))?.amount).to.equal(1e21);
    expect(await suite.db.pool.oneFirst(sql.unsafe`SELECT amount::text FROM events WHERE event_id = ${eventId(2)}`)).to.equal("-0.000001");
  });
});
