import { expect } from "chai";
import { sql } from "slonik";
import { postgresReplayStore } from "../../../functions/adapters/postgres-replay-store";
import type { EventSortKey, ReplaySelection } from "../../../functions/shared/ports";
import { ensureEventPartitions } from "../../../functions/adapters/postgres-event-partitions";
import { useTestStore } from "../../support/database";
import { capturingPool, partitionsRead, planOf } from "../../support/query-plans";
import { newEvent, sampleEvent, testEventId } from "../../../scripts/lib/factories";

const eventId = testEventId;
/**
 * The daily partitions a selection of January 2024 covers from its start or from a page's cursor;
 * with neither, the default one too (it holds anything before the first).
 */
function partitionsOfWindow(selection: ReplaySelection, after?: EventSortKey): string[] {
  const from = [selection.from, after?.createdAt].filter((at) => at != null).map((at) => new Date(at).getTime());
  const days = [];
  for (let day = new Date(from.length > 0 ? Math.max(...from) : Date.parse("2024-01-01T00:00:00Z")); day < new Date(selection.to); day = new Date(day.getTime() + 86_400_000)) {
    days.push(`events_p${day.toISOString().slice(0, 10).replaceAll("-", "")}`);
  }
  return [...days, ...(from.length === 0 ? ["events_default"] : [])].sort();
}

const window = (from: string | null, to: string, userId: string | null = null, unpublishedOnly = false, source: string | null = null): ReplaySelection => ({
  from,
  to,
  userId,
  source,
  unpublishedOnly,
  fromArchive: false,
});

describe("PostgreSQL replay store (embedded PostgreSQL, real migrations)", function () {
  this.timeout(60_000);
  const suite = useTestStore();
  const replays = () => postgresReplayStore(suite.db.pool);

  async function stored(n: number, createdAt: string, userId = "alice", published = true): Promise<void> {
    await suite.store.persist([newEvent(n, { event: sampleEvent({ user_id: userId }) })]);
    if (published) await suite.store.markPublished([eventId(n)]);
    for (const table of ["events", "event_keys", "outbox"]) {
      await suite.db.pool.query(sql.unsafe`UPDATE ${sql.identifier([table])} SET created_at = ${createdAt}::timestamptz WHERE event_id = ${eventId(n)}`);
    }
  }

  /** Every page of the selection, following the sort keys the store returns. */
  async function allPages(selection: ReplaySelection, limit: number): Promise<string[][]> {
    const pages: string[][] = [];
    let after: EventSortKey | null = null;
    for (;;) {
      const page = await replays().page(selection, after, limit);
      if (page.length === 0) return pages;
      pages.push(page.map((row) => row.event.event_id));
      after = page.at(-1)!.key;
    }
  }

  it("selects created_at in [from, to), oldest first, through ties down to the microsecond", async () => {
    await stored(1, "2024-01-15T09:59:59.999999Z");
    await stored(2, "2024-01-15T10:00:00Z");
    await stored(4, "2024-01-15T10:00:00.000001Z");
    await stored(3, "2024-01-15T10:00:00.000001Z");
    await stored(5, "2024-01-15T10:59:59.999999Z");
    await stored(6, "2024-01-15T11:00:00Z");
    const selection = window("2024-01-15T10:00:00Z", "2024-01-15T11:00:00Z");
    expect(await allPages(selection, 2)).to.deep.equal([
      [eventId(2), eventId(3)],
      [eventId(4), eventId(5)],
    ]);
    expect(await replays().count(selection)).to.deep.equal({ count: 4, estimated: false });
  });

  it("keeps to one source's events when asked, and remembers the source of the replay", async () => {
    await stored(1, "2024-01-15T10:00:00Z");
    await suite.store.persist([newEvent(2, { source: "mobile" })]);
    await suite.db.pool.query(sql.unsafe`UPDATE events SET created_at = '2024-01-15T10:00:01Z' WHERE event_id = ${eventId(2)}`);
    const day = (source: string | null) => window("2024-01-15T00:00:00Z", "2024-01-16T00:00:00Z", null, false, source);
    expect(await allPages(day("mobile"), 10)).to.deep.equal([[eventId(2)]]);
    expect(await allPages(day(null), 10)).to.deep.equal([[eventId(1), eventId(2)]]);
    const created = await replays().create({ ...day("mobile"), replayId: "0b6f9c3e-5d1a-4c47-9a43-2f1f6f0d8a11", targetQueueUrl: null, selected: 1, selectedEstimated: false });
    expect((await replays().find(created.replayId))?.source).to.equal("mobile");
  });

  it("keeps to one user's events when asked", async () => {
    await stored(1, "2024-01-15T10:00:00Z", "alice");
    await stored(2, "2024-01-15T10:00:01Z", "bob");
    await stored(3, "2024-01-15T10:00:02Z", "alice");
    expect(await allPages(window("2024-01-15T00:00:00Z", "2024-01-16T00:00:00Z", "alice"), 10)).to.deep.equal([[eventId(1), eventId(3)]]);
  });

  it("sweeps only events never published, before the cutoff", async () => {
    await stored(1, "2024-01-15T10:00:00Z", "alice", false);
    await stored(2, "2024-01-15T10:00:01Z", "alice", true);
    await stored(3, "2024-01-15T10:00:02Z", "bob", false);
    await stored(4, "2024-01-15T10:10:00Z", "bob", false);
    expect(await allPages(window(null, "2024-01-15T10:05:00Z", null, true), 10)).to.deep.equal([[eventId(1), eventId(3)]]);
  });

  it("resumes after the last confirmed page: the cursor read back from the replay skips and repeats nothing", async () => {
    for (let n = 1; n <= 5; n++) await stored(n, "2024-01-15T10:00:00.000001Z");
    const selection = window("2024-01-15T10:00:00Z", "2024-01-15T11:00:00Z");
    const created = await replays().create({ ...selection, replayId: "7a1d0c4e-0000-4000-8000-000000000001", targetQueueUrl: null, selected: 5, selectedEstimated: false });
    const first = await replays().page(selection, created.after, 2);
    expect(await replays().advance(created.replayId, null, { after: first[1].key, sent: 2, failed: 0, finished: false })).to.equal(true);

    const resumed = await replays().find(created.replayId);
    expect(resumed).to.deep.include({ sent: 2, failed: 0, finished: false, after: first[1].key });
    const rest = await replays().page(selection, resumed!.after, 10);
    expect(rest.map((row) => row.event.event_id)).to.deep.equal([eventId(3), eventId(4), eventId(5)]);
  });

  it("refuses to advance a replay another run has moved, or one already finished", async () => {
    await stored(1, "2024-01-15T10:00:00Z");
    const selection = window("2024-01-15T10:00:00Z", "2024-01-15T11:00:00Z");
    const created = await replays().create({ ...selection, replayId: "7a1d0c4e-0000-4000-8000-000000000002", targetQueueUrl: "http://q", selected: 1, selectedEstimated: false });
    const key = { createdAt: "2024-01-15T10:00:00.000000Z", eventId: eventId(1) };
    expect(await replays().advance(created.replayId, null, { after: key, sent: 1, failed: 0, finished: true })).to.equal(true);
    expect(await replays().advance(created.replayId, null, { after: key, sent: 1, failed: 0, finished: false })).to.equal(false);
    expect(await replays().advance(created.replayId, key, { after: key, sent: 1, failed: 0, finished: false })).to.equal(false);
    expect(await replays().find(created.replayId)).to.deep.include({ sent: 1, finished: true, targetQueueUrl: "http://q" });
  });

  describe("query plans, on a table large enough for the planner to choose", () => {
    beforeEach(async () => {
      // 50,000 events, one every 30 s over 17 days, 500 users; 20 of them (every 2500th) never published.
      await suite.db.pool.query(sql.unsafe`
        INSERT INTO events (event_id, correlation_id, user_id, amount, currency, merchant, event_timestamp, payload_mode,
                            payload_sha256, received_at, created_at)
        SELECT md5(i::text)::uuid, 'c', 'user-' || (i % 500), 1, 'EUR', 'm', now(), 'INLINE', repeat('a', 64), now(),
               '2024-01-01Z'::timestamptz + i * interval '30 seconds'
        FROM generate_series(1, 50000) AS i`);
      await suite.db.pool.query(sql.unsafe`
        INSERT INTO outbox (event_id, created_at)
        SELECT md5(i::text)::uuid, '2024-01-01Z'::timestamptz + i * interval '30 seconds' FROM generate_series(2500, 50000, 2500) AS i`);
      await suite.db.pool.query(sql.unsafe`ANALYZE events, outbox`);
    });

    before(async () => {
      // Daily partitions over the rows' days, as a prod stack has them (beforeEach's rows land in them).
      await ensureEventPartitions(suite.db.pool, { width: "day", ahead: 20 }, new Date("2024-01-01T00:00:00Z"));
    });

    /** The plan of the query the store itself sends, with its values. */
    async function planOfStore(run: (store: ReturnType<typeof postgresReplayStore>) => Promise<unknown>, options: { analyze?: boolean } = {}): Promise<string> {
      const { pool, captured } = capturingPool(suite.db.pool, { any: [], oneFirst: 0 });
      await run(postgresReplayStore(pool));
      return planOf(suite.db.url, captured[0], options);
    }

    it("counts exactly up to its limit, and past it gives the planner's estimate, said so", async () => {
      const selection = window("2024-01-04T00:00:00Z", "2024-01-06T00:00:00Z");
      expect(await postgresReplayStore(suite.db.pool).count(selection)).to.deep.equal({ count: 5760, estimated: false });
      const { count, estimated } = await postgresReplayStore(suite.db.pool, 1000).count(selection);
      expect(estimated).to.equal(true);
      expect(count).to.be.within(2880, 11520);
    });

    const after = { createdAt: "2024-01-05T00:00:00.000000Z", eventId: "00000000-0000-0000-0000-000000000000" };
    // One user's window holds few rows here: the planner fetches them through the user's index and
    // sorts them, rather than walking the window in order; either way no page reads the table.
    const cases: [string, ReplaySelection, string, boolean][] = [
      ["a window", window("2024-01-04T00:00:00Z", "2024-01-06T00:00:00Z"), "events_created_at_event_id_idx", false],
      // Either user index: (user_id, …) or, every row here being of one source, (source, user_id, …).
      ["one user's window", window("2024-01-04T00:00:00Z", "2024-01-06T00:00:00Z", "user-7"), "user_id_created_at_event_id_idx", true],
      ["one source's user's window", window("2024-01-04T00:00:00Z", "2024-01-06T00:00:00Z", "user-7", false, "default"), "events_source_user_id_created_at_event_id_idx", true],
    ];
    it("pages the outbox sweep through the outbox's index, fetching each event from its own partition", async () => {
      const sweep = window(null, "2024-01-16T00:00:00Z", null, true);
      const plan = await planOfStore((store) => store.page(sweep, after, 100), { analyze: true });
      expect(plan).to.contain("outbox_created_at_event_id_idx");
      // Empty partitions are planned as sequential scans, and never executed.
      expect(plan.split("\n").filter((line) => line.includes("Seq Scan") && !line.includes("never executed"))).to.deep.equal([]);
      // Only the partitions of the outbox's rows after the cursor (2024-01-05) and before the cutoff.
      const expected = await suite.db.pool.anyFirst(sql.unsafe`
        SELECT DISTINCT 'events_p' || to_char(created_at AT TIME ZONE 'UTC', 'YYYYMMDD') FROM outbox
        WHERE created_at >= '2024-01-05Z' AND created_at < '2024-01-16Z' ORDER BY 1`);
      expect(partitionsRead(plan)).to.deep.equal(expected);
      // Every 2500th event of the first 15 days: events 2500 to 42500.
      expect(await replays().count(sweep)).to.deep.equal({ count: 17, estimated: false });
    });

    for (const [name, selection, index, sortAllowed] of cases) {
      it(`pages ${name} through ${index}, with no sequential scan${sortAllowed ? "" : " and no sort"}`, async () => {
        const plan = await planOfStore((store) => store.page(selection, after, 100));
        expect(plan).to.contain(index);
        expect(partitionsRead(plan), "partitions pruned to the window").to.deep.equal(partitionsOfWindow(selection, after));
        // The default partition is empty once every row has its partition: the planner reads it as it is.
        expect(plan.split("\n").filter((line) => line.includes("Seq Scan") && !line.includes("events_default"))).to.deep.equal([]);
        if (!sortAllowed) expect(plan).to.not.match(/\bSort\b/);
      });

      // A count reads every row of a partition its window covers whole, and a sequential scan is the cheapest way.
      it(`counts ${name} reading only the partitions its window covers`, async () => {
        const plan = await planOfStore((store) => store.count(selection));
        expect(partitionsRead(plan)).to.deep.equal(partitionsOfWindow(selection));
      });
    }
  });
});
