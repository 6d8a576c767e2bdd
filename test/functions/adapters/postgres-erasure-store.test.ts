import { expect } from "chai";
import { Client } from "pg";
import { sql } from "slonik";
import { z } from "zod";
import { erasedEventIds } from "../../../functions/adapters/erasure-tombstone";
import { postgresErasureStore } from "../../../functions/adapters/postgres-erasure-store";
import { handleErase } from "../../../functions/erase/core";
import { sha256Hex } from "../../../functions/shared/hash";
import type { ErasureRecord } from "../../../functions/shared/ports";
import { newEvent, sampleEvent, testEventId } from "../../../scripts/lib/factories";
import { useTestStore } from "../../support/database";
import { FakePayloadEraser } from "../../support/fake-erasure-store";
import { recordingLogger } from "../../support/fakes";

const erasedAt = "2024-01-15T12:00:00.000Z";
const before = "2024-01-15T11:00:00.000Z";
const after = "2024-01-15T13:00:00.000Z";
const ada = (n: number, overrides: Parameters<typeof newEvent>[1] = {}) => newEvent(n, { event: sampleEvent({ user_id: "ada" }), receivedAt: before, ...overrides });
const record = (overrides: Partial<ErasureRecord> = {}): ErasureRecord => ({
  erasureId: "e7a5e000-0000-4000-8000-000000000001",
  userIdSha256: sha256Hex("ada"),
  source: null,
  erasedAt,
  requestedBy: "tester",
  erased: null,
  finishedAt: null,
  ...overrides,
});

describe("PostgreSQL erasure store and the processor's tombstone (embedded PostgreSQL, real migrations)", function () {
  this.timeout(60_000);
  const suite = useTestStore();
  const erasures = () => postgresErasureStore(suite.db.pool);
  const storedIds = async () => [...(await suite.db.pool.anyFirst(sql.type(z.object({ event_id: z.string() }))`SELECT event_id FROM events ORDER BY event_id`))];

  it("hashes a user id as PostgreSQL's sha256() of its UTF-8 bytes does", async () => {
    const userId = "usér-ß-🙂";
    expect(await suite.db.pool.oneFirst(sql.unsafe`SELECT encode(sha256(convert_to(${userId}, 'UTF8')), 'hex')`)).to.equal(sha256Hex(userId));
  });

  it("counts, then deletes only the user's events of the source received up to the erasure, with their payload keys and outbox rows", async () => {
    await suite.store.persist([
      ada(1, { payloadMode: "S3", payloadKey: "raw/2024-01-15/1.json" }),
      ada(2, { source: "mobile" }),
      ada(3, { receivedAt: after }),
      newEvent(4, { receivedAt: before }),
    ]);
    const web = { userId: "ada", source: "web" };
    expect(await erasures().count(web, erasedAt)).to.deep.equal({ rows: 1, payloads: 1 });
    expect(await erasures().count({ userId: "ada", source: null }, erasedAt)).to.deep.equal({ rows: 2, payloads: 1 });
    expect(await erasures().payloadKeys(web, erasedAt)).to.deep.equal(["raw/2024-01-15/1.json"]);
    expect(await erasures().deleteEvents(web, erasedAt)).to.equal(1);
    expect(await storedIds()).to.deep.equal([testEventId(2), testEventId(3), testEventId(4)]);
    // Never published: the outbox held all four. An erased event is not announced by the outbox sweep.
    expect(await suite.db.pool.anyFirst(sql.type(z.object({ event_id: z.string() }))`SELECT event_id FROM outbox ORDER BY event_id`)).to.deep.equal(await storedIds());
  });

  it("keeps the audit record without the user id and lists it finished", async () => {
    await erasures().tombstone(record({ source: "web" }));
    await erasures().finish(record().erasureId, { rows: 3, payloads: 1 }, "2024-01-15T12:00:01.000Z");
    expect(await erasures().list(10)).to.deep.equal([
      record({ source: "web", erasedAt: "2024-01-15T12:00:00.000000Z", erased: { rows: 3, payloads: 1 }, finishedAt: "2024-01-15T12:00:01.000000Z" }),
    ]);
    const stored = await suite.db.pool.oneFirst(sql.type(z.object({ text: z.string() }))`SELECT row_to_json(e)::text AS text FROM erasures e`);
    expect(stored).not.to.include('"ada"');
  });

  it("after a tombstone, the processor's insert skips the user's events received before it, counts them, and stores later ones", async () => {
    await erasures().tombstone(record({ source: "web" }));
    const result = await suite.store.persist([ada(1), ada(2, { source: "mobile" }), ada(3, { receivedAt: after }), newEvent(4)]);
    expect(result.erased).to.deep.equal([testEventId(1)]);
    expect(result.unpublished.map((e) => e.event_id).sort()).to.deep.equal([testEventId(2), testEventId(3), testEventId(4)]);
    expect(await storedIds()).to.deep.equal([testEventId(2), testEventId(3), testEventId(4)]);
    expect((await suite.store.persist([ada(1)])).erased).to.deep.equal([testEventId(1)]);
  });

  it("a tombstone for every source covers each source", async () => {
    await erasures().tombstone(record());
    const result = await suite.store.persist([ada(1), ada(2, { source: "mobile" })]);
    expect(result.unpublished).to.deep.equal([]);
    expect(result.erased.sort()).to.deep.equal([testEventId(1), testEventId(2)]);
  });

  it("names the archived events an erasure covers, for replay from archive to skip", async () => {
    await erasures().tombstone(record({ source: "web" }));
    const archived = (n: number, fields: { userId?: string; source?: string; receivedAt?: string } = {}) => ({
      eventId: testEventId(n),
      userId: fields.userId ?? "ada",
      source: fields.source ?? "web",
      receivedAt: fields.receivedAt ?? before,
    });
    const rows = [archived(1), archived(2, { receivedAt: after }), archived(3, { source: "mobile" }), archived(4, { userId: "bob" }), archived(5, { receivedAt: erasedAt })];
    expect([...(await erasedEventIds(suite.db.pool, rows))].sort()).to.deep.equal([testEventId(1), testEventId(5)]);
    expect(await erasedEventIds(suite.db.pool, [])).to.deep.equal(new Set());
  });

  it("an erasure run while an insert of the user's event is open deletes that event too; a redelivery is then skipped and a later event stored", async () => {
    const inserter = new Client({ connectionString: suite.db.url });
    await inserter.connect();
    try {
      await inserter.query("BEGIN");
      await inserter.query(
        `INSERT INTO events (event_id, source, correlation_id, user_id, amount, currency, merchant, event_timestamp, payload_mode, payload_sha256, received_at)
         VALUES ($1, 'web', 'c', 'ada', 1, 'USD', 'm', now(), 'INLINE', $2, $3)`,
        [testEventId(1), "a".repeat(64), before],
      );
      const ports = {
        erasures: erasures(),
        payloads: new FakePayloadEraser(),
        clock: { now: () => new Date(erasedAt) },
        newErasureId: () => record().erasureId,
        log: recordingLogger().log,
      };
      const erased = handleErase(ports, { sources: ["web"] }, { action: "erase", userId: "ada", dryRun: false, requestedBy: "tester" });
      await waitUntilALockIsAwaited(suite.db.pool);
      // Without the barrier, the DELETE would run now and not see the uncommitted row.
      await inserter.query("COMMIT");
      expect(await erased).to.deep.include({ ok: true });
      expect((await erasures().list(1))[0].erased).to.deep.equal({ rows: 1, payloads: 0 });
      expect(await storedIds()).to.deep.equal([]);

      const redelivered = await suite.store.persist([ada(1)]);
      expect(redelivered).to.deep.equal({ unpublished: [], conflicting: [], erased: [testEventId(1)] });
      await suite.store.persist([ada(2, { receivedAt: after })]);
      expect(await storedIds()).to.deep.equal([testEventId(2)]);
    } finally {
      await inserter.end();
    }
  });
});

/** Returns once some session waits for a lock: the erasure's barrier queued behind the open insert. */
async function waitUntilALockIsAwaited(pool: ReturnType<typeof useTestStore>["db"]["pool"]): Promise<void> {
  for (let polls = 0; polls < 500; polls++) {
    const waiting = await pool.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock'`);
    if (waiting > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error("the erasure never waited for the open insert");
}
