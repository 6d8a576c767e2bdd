import { expect } from "chai";
import { sql } from "slonik";
import { z } from "zod";
import { ensureEventPartitions } from "../../../functions/adapters/postgres-event-partitions";
import { postgresEventRepository } from "../../../functions/adapters/postgres-event-repository";
import { partitionOf } from "../../../functions/shared/event-partitions";
import { newEvent, testEventId } from "../../../scripts/lib/factories";
import { useTestStore } from "../../support/database";
import { capturingPool, nestedPlans, partitionsRead, planOf } from "../../support/query-plans";

const eventId = testEventId;
const day = 86_400_000;

describe("PostgreSQL event store: partitions of events (embedded PostgreSQL, real migrations)", function () {
  this.timeout(60_000);
  const suite = useTestStore();
  const partitionNames = () =>
    suite.db.pool.anyFirst(sql.type(z.object({ name: z.string() }))`
      SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'events'::regclass ORDER BY 1`);
  const partitionOfRow = (n: number) =>
    suite.db.pool.oneFirst(sql.type(z.object({ partition: z.string() }))`SELECT tableoid::regclass::text AS partition FROM events WHERE event_id = ${eventId(n)}`);
  /** Moves a stored event (its key too) to another created_at, as if it had been stored then. */
  const storedAt = async (n: number, createdAt: Date) => {
    await suite.db.pool.query(sql.unsafe`UPDATE events SET created_at = ${createdAt.toISOString()}::timestamptz WHERE event_id = ${eventId(n)}`);
    await suite.db.pool.query(sql.unsafe`UPDATE event_keys SET created_at = ${createdAt.toISOString()}::timestamptz WHERE event_id = ${eventId(n)}`);
  };

  it("creates the partition holding now and as many ahead as the layout says, once however often it runs", async () => {
    const now = new Date("2031-02-27T15:00:00Z");
    expect(await ensureEventPartitions(suite.db.pool, { width: "day", ahead: 3 }, now)).to.deep.equal([
      "events_p20310227",
      "events_p20310228",
      "events_p20310301",
      "events_p20310302",
    ]);
    expect(await ensureEventPartitions(suite.db.pool, { width: "day", ahead: 3 }, now)).to.deep.equal([]);
    expect(await ensureEventPartitions(suite.db.pool, { width: "month", ahead: 1 }, new Date("2032-05-31T23:59:59Z"))).to.deep.equal(["events_p20320501", "events_p20320601"]);
    expect(await partitionNames()).to.include.members(["events_default", "events_p20310227", "events_p20320601"]);
  });

  it("keeps an event whose period has no partition in the default one, and moves it, outbox state and all, when its partition is created", async () => {
    const today = partitionOf("day", new Date());
    expect(await partitionNames()).to.not.include(today.name);
    await suite.store.persist([newEvent(1), newEvent(2)]);
    await suite.store.markPublished([eventId(2)]);
    expect([await partitionOfRow(1), await partitionOfRow(2)]).to.deep.equal(["events_default", "events_default"]);

    expect(await ensureEventPartitions(suite.db.pool, { width: "day", ahead: 1 }, new Date())).to.include(today.name);
    expect([await partitionOfRow(1), await partitionOfRow(2)]).to.deep.equal([today.name, today.name]);
    expect(await suite.db.pool.oneFirst(sql.unsafe`SELECT count(*)::int FROM events_default`)).to.equal(0);
    // Event 1 was never published: a redelivery still hands it back for publishing; event 2 was.
    const again = await suite.store.persist([newEvent(1), newEvent(2)]);
    expect(again.unpublished.map((e) => e.event_id)).to.deep.equal([eventId(1)]);
    expect((await suite.store.findById(eventId(2), "web"))?.event_id).to.equal(eventId(2));
  });

  describe("with daily partitions over three weeks", () => {
    const now = new Date();
    beforeEach(async () => {
      await ensureEventPartitions(suite.db.pool, { width: "day", ahead: 22 }, new Date(now.getTime() - 21 * day));
      await suite.store.persist([1, 2, 3, 4].map((n) => newEvent(n)));
      await storedAt(1, new Date(now.getTime() - 20 * day));
      await storedAt(2, new Date(now.getTime() - 10 * day));
      await storedAt(3, new Date(now.getTime() - 10 * day + 1000));
      await suite.db.pool.query(sql.unsafe`ANALYZE events`);
    });

    it("reads GET /events/{id}'s event from its own partition alone", async () => {
      const { pool, captured } = capturingPool(suite.db.pool, { maybeOne: null });
      await postgresEventRepository(pool).findById(eventId(2), "web");
      const plan = await planOf(suite.db.url, captured[0], { analyze: true });
      expect(partitionsRead(plan)).to.deep.equal([partitionOf("day", new Date(now.getTime() - 10 * day)).name]);
      expect(await suite.store.findById(eventId(1), "web")).to.include({ event_id: eventId(1) });
    });

    it("marks a batch published in the outbox alone, reading no partition of events", async () => {
      const plans = await nestedPlans(suite.db.url, async (client) => {
        await client.query("SELECT mark_published($1::uuid[])", [[eventId(2), eventId(3)]]);
      });
      expect(plans.filter((plan) => plan.includes("Delete on outbox"))).to.have.length(1);
      for (const plan of plans) expect(partitionsRead(plan)).to.deep.equal([]);
      const unpublished = await suite.db.pool.anyFirst(sql.unsafe`SELECT event_id FROM outbox ORDER BY 1`);
      expect(unpublished).to.deep.equal([eventId(1), eventId(4)]);
    });
  });
});
