import { expect } from "chai";
import { sql } from "slonik";
import { postgresPartitionCatalogue } from "../../../functions/adapters/postgres-partition-catalogue";
import { storedAt, useTestStore } from "../../support/database";

const layout = { width: "day", ahead: 2 } as const;

describe("PostgreSQL partition catalogue (embedded PostgreSQL, real migrations)", function () {
  this.timeout(60_000);
  const suite = useTestStore();
  const catalogue = () => postgresPartitionCatalogue(suite.db.pool);

  async function stored(id: number, createdAt: string, published = true): Promise<string> {
    const eventId = `00000000-0000-4000-8000-${String(id).padStart(12, "0")}`;
    await storedAt(suite.db.pool, eventId, createdAt, { published });
    return eventId;
  }

  it("lists the range partitions it created, oldest first, with their bounds, and not the default one", async () => {
    const created = await catalogue().createAhead(layout, new Date("2025-03-10T12:00:00Z"));
    expect(created).to.deep.equal(["events_p20250310", "events_p20250311", "events_p20250312"]);
    const listed = (await catalogue().list()).filter((p) => p.name.startsWith("events_p202503"));
    expect(listed.map((p) => [p.name, p.from.toISOString(), p.to.toISOString()])).to.deep.equal([
      ["events_p20250310", "2025-03-10T00:00:00.000Z", "2025-03-11T00:00:00.000Z"],
      ["events_p20250311", "2025-03-11T00:00:00.000Z", "2025-03-12T00:00:00.000Z"],
      ["events_p20250312", "2025-03-12T00:00:00.000Z", "2025-03-13T00:00:00.000Z"],
    ]);
  });

  it("reads a partition's rows in (created_at, event_id) order after a cursor, every column, created_at in UTC with microseconds", async () => {
    await catalogue().createAhead(layout, new Date("2025-04-10T12:00:00Z"));
    const second = await stored(2, "2025-04-10T08:00:00.123456Z");
    const first = await stored(1, "2025-04-10T07:00:00Z");
    await stored(3, "2025-04-11T07:00:00Z");
    const rows = await catalogue().rows("events_p20250410", null, 1);
    expect(rows.map((r) => r.event_id)).to.deep.equal([first]);
    expect(rows[0]).to.include({ user_id: "alice", currency: "EUR", payload_mode: "INLINE", created_at: "2025-04-10T07:00:00.000000Z" });
    const next = await catalogue().rows("events_p20250410", { createdAt: rows[0].created_at, eventId: first }, 10);
    expect(next.map((r) => [r.event_id, r.created_at])).to.deep.equal([[second, "2025-04-10T08:00:00.123456Z"]]);
  });

  it("counts a partition's rows and those SNS never confirmed", async () => {
    await catalogue().createAhead(layout, new Date("2025-05-10T12:00:00Z"));
    await stored(1, "2025-05-10T01:00:00Z");
    await stored(2, "2025-05-10T02:00:00Z", false);
    expect(await catalogue().rowCount("events_p20250510")).to.equal(2);
    expect(await catalogue().unpublishedCount("events_p20250510")).to.equal(1);
  });

  it("detaches and drops a partition whole: its events are gone, their keys stay, the other partitions keep theirs", async () => {
    await catalogue().createAhead(layout, new Date("2025-06-10T12:00:00Z"));
    const dropped = await stored(1, "2025-06-10T01:00:00Z");
    await stored(2, "2025-06-10T02:00:00Z");
    const kept = await stored(3, "2025-06-11T02:00:00Z");
    expect(await catalogue().detachAndDrop("events_p20250610")).to.equal(2);
    expect((await catalogue().list()).map((p) => p.name)).to.not.include("events_p20250610");
    expect(await suite.db.pool.anyFirst(sql.unsafe`SELECT event_id FROM events WHERE created_at >= '2025-06-01' AND created_at < '2025-07-01'`)).to.deep.equal([kept]);
    expect(await suite.db.pool.oneFirst(sql.unsafe`SELECT count(*)::int FROM event_keys WHERE event_id = ${dropped}`)).to.equal(1);
    expect(await suite.db.pool.oneFirst(sql.unsafe`SELECT to_regclass('events_p20250610') IS NULL`)).to.equal(true);
  });

  it("DETACH ... CONCURRENTLY is refused while events has its default partition (why a plain DETACH is used)", async () => {
    await catalogue().createAhead(layout, new Date("2025-07-10T12:00:00Z"));
    let refusal = "";
    try {
      await suite.db.pool.query(sql.unsafe`ALTER TABLE events DETACH PARTITION events_p20250710 CONCURRENTLY`);
    } catch (error) {
      const { message, cause } = error as Error & { cause?: Error };
      refusal = `${message} ${cause?.message ?? ""}`;
    }
    expect(refusal).to.match(/default partition/i);
  });
});
