import { expect } from "chai";
import { sql } from "slonik";
import { encodeCursor, decodeCursor } from "../../../functions/query/listing";
import { bodyBytesOf } from "../../../functions/shared/body-bytes";
import type { JsonObject } from "../../../functions/shared/event-schema";
import type { EventListQuery } from "../../../functions/shared/ports";
import { ensureEventPartitions } from "../../../functions/adapters/postgres-event-partitions";
import { postgresEventRepository } from "../../../functions/adapters/postgres-event-repository";
import { useTestStore } from "../../support/database";
import { capturingPool, partitionsRead, planOf } from "../../support/query-plans";
import { newEvent, sampleEvent, testEventId } from "../../../scripts/lib/factories";

const eventId = testEventId;
/** A Sort node (a Merge Append's "Sort Key" reads rows already in order). */
const sortNode = /\bSort {2}\(/;

describe("PostgreSQL event store: listing (embedded PostgreSQL, real migrations)", function () {
  this.timeout(60_000);
  const suite = useTestStore();

  /** Stores event n for the user, then sets its created_at (to the microsecond). */
  async function stored(n: number, createdAt: string, userId = "alice"): Promise<void> {
    await suite.store.persist([newEvent(n, { event: sampleEvent({ user_id: userId }) })]);
    await suite.db.pool.query(sql.unsafe`UPDATE events SET created_at = ${createdAt}::timestamptz WHERE event_id = ${eventId(n)}`);
  }

  /** Follows next cursors, through their text form, until the last page. */
  async function allPages(query: Omit<EventListQuery, "after">): Promise<string[][]> {
    const pages: string[][] = [];
    let after: EventListQuery["after"];
    do {
      const page = await suite.store.list({ ...query, after });
      pages.push(page.entries.map((e) => e.event.event_id));
      const last = page.entries.at(-1);
      after = page.more && last ? decodeCursor(encodeCursor(last.key)) : undefined;
    } while (after && pages.length < 20);
    return pages;
  }

  it("pages newest first through ties in created_at, down to the microsecond, with no row skipped or repeated", async () => {
    const t = "2024-01-15T10:00:00.000001Z";
    const layout: [number, string][] = [
      [1, "2024-01-15T09:00:00Z"],
      [2, t],
      [3, t],
      [4, t],
      [5, "2024-01-15T10:00:00.000002Z"],
      [6, "2024-01-15T10:00:00.000002Z"],
      [7, "2024-01-15T11:00:00Z"],
    ];
    for (const [n, createdAt] of layout) await stored(n, createdAt);
    await stored(8, t, "bob");
    const expected = [7, 6, 5, 4, 3, 2, 1].map(eventId);
    for (const limit of [1, 2, 3, 7, 50]) {
      const pages = await allPages({ source: "web", userId: "alice", limit });
      expect(pages.flat(), `limit ${limit}`).to.deep.equal(expected);
      expect(pages.slice(0, -1).every((p) => p.length === limit), `limit ${limit}`).to.equal(true);
    }
    expect((await suite.store.list({ source: "web", userId: "alice", limit: 7 })).more).to.equal(false);
    const six = await suite.store.list({ source: "web", userId: "alice", limit: 6 });
    expect(six.more).to.equal(true);
    expect(six.entries.at(-1)?.key).to.deep.equal({ createdAt: "2024-01-15T10:00:00.000001Z", eventId: eventId(2) });
  });

  it("lists only the query's source: the same user's events of another source are not there", async () => {
    await stored(1, "2024-01-15T09:00:00Z");
    await suite.store.persist([newEvent(2, { source: "mobile", event: sampleEvent({ user_id: "alice" }) })]);
    const ids = async (source: string) => (await suite.store.list({ source, userId: "alice", limit: 10 })).entries.map((e) => e.event.event_id);
    expect(await ids("web")).to.deep.equal([eventId(1)]);
    expect(await ids("mobile")).to.deep.equal([eventId(2)]);
    expect(await ids("default")).to.deep.equal([]);
  });

  it("filters by user and by created_at, from inclusive and to exclusive", async () => {
    await stored(1, "2024-01-15T09:00:00Z");
    await stored(2, "2024-01-15T10:00:00Z");
    await stored(3, "2024-01-15T11:00:00Z");
    await stored(4, "2024-01-15T10:30:00Z", "bob");
    const ids = async (query: Partial<EventListQuery>) =>
      (await suite.store.list({ source: "web", userId: "alice", limit: 50, ...query })).entries.map((e) => e.event.event_id);
    expect(await ids({ from: "2024-01-15T10:00:00Z" })).to.deep.equal([eventId(3), eventId(2)]);
    expect(await ids({ to: "2024-01-15T10:00:00Z" })).to.deep.equal([eventId(1)]);
    expect(await ids({ from: "2024-01-15T11:00:00+01:00", to: "2024-01-15T11:00:00Z" })).to.deep.equal([eventId(2)]);
    expect(await ids({ source: "web", userId: "bob" })).to.deep.equal([eventId(4)]);
    expect(await ids({ source: "web", userId: "carol" })).to.deep.equal([]);
  });

  it("returns at most limit events, as the API serves them", async () => {
    for (let n = 1; n <= 5; n++) await stored(n, `2024-01-15T10:00:0${n}Z`);
    const page = await suite.store.list({ source: "web", userId: "alice", limit: 3 });
    expect(page.entries).to.have.length(3);
    expect(page.entries[0].event).to.include({ event_id: eventId(5), user_id: "alice", created_at: "2024-01-15T10:00:05.000Z", amount: 99.99 });
  });

  it("keeps a forged but well-formed cursor inside the user's own rows", async () => {
    await stored(1, "2024-01-15T09:00:00Z");
    await stored(2, "2024-01-15T09:00:00Z", "bob");
    const forged = decodeCursor(Buffer.from(JSON.stringify(["9999-12-31T23:59:59Z", "ffffffff-ffff-7fff-bfff-ffffffffffff"])).toString("base64url"));
    const page = await suite.store.list({ source: "web", userId: "alice", limit: 50, after: forged });
    expect(page.entries.map((e) => e.event.event_id)).to.deep.equal([eventId(1)]);
  });

  it("lists events without their metadata but with its size: exact for events the processor sized, never less for events stored before", async () => {
    const metadata: (JsonObject | undefined)[] = [
      { quotesAndBackslashes: '"\\'.repeat(200), lines: "a\nb\t\u0001\u001f", beyondAscii: "é€😀\u2028", "key \"quoted\"": true },
      { numbers: [0, -0, 0.1, -1.5e-7, 1e21, 123456789.125, Number.MAX_SAFE_INTEGER, 5e-324], nested: { a: [{}, [], null, false] } },
      {},
      undefined,
      { text: "x".repeat(300_000) },
    ];
    for (const [i, m] of metadata.entries()) {
      await suite.store.persist([newEvent(i + 1, { event: sampleEvent({ user_id: "alice", metadata: m }) })]);
    }
    const served = await suite.store.findMetadata(metadata.map((_, i) => eventId(i + 1)));
    const exactBytes = (n: number) => bodyBytesOf(served.get(eventId(n)) ?? null);
    const listed = async () => (await suite.store.list({ source: "web", userId: "alice", limit: 50 })).entries;

    const sized = await listed();
    expect(sized.map((e) => e.event.metadata)).to.deep.equal(metadata.map(() => null));
    expect(sized.map((e) => [e.event.event_id, e.metadataBytes])).to.have.deep.members(metadata.map((_, i) => [eventId(i + 1), exactBytes(i + 1)]));

    await suite.db.pool.query(sql.unsafe`UPDATE events SET metadata_escaped_bytes = NULL`);
    for (const entry of await listed()) {
      const exact = exactBytes(Number(entry.event.event_id.slice(-12)));
      // jsonb's text adds a space after each ':' and ',', and writes 1e21 and 5e-324 out digit by digit.
      expect(entry.metadataBytes, entry.event.event_id).to.be.within(exact, exact + 400);
    }
  });

  it("serves a page from the (source, user_id, created_at, event_id) index of only the partitions its window and cursor reach, without sorting", async () => {
    // Daily partitions, as prod has them, and statistics of two users' events of three sources, each
    // (source, user) with hundreds of rows a day: on an empty table every index costs the same, and a
    // user with a few rows a partition is cheaper to sort than to merge.
    await ensureEventPartitions(suite.db.pool, { width: "day", ahead: 20 }, new Date("2024-01-01T00:00:00Z"));
    await suite.db.pool.query(sql.unsafe`
      INSERT INTO events (event_id, source, correlation_id, user_id, amount, currency, merchant, event_timestamp, payload_mode, payload_sha256, received_at, created_at)
      SELECT md5(i::text)::uuid, (ARRAY['web', 'mobile', 'default'])[1 + i % 3], 'c', 'user-' || (i % 2), 1, 'EUR', 'm', now(), 'INLINE', repeat('a', 64), now(),
             '2024-01-01Z'::timestamptz + i * interval '1 minute'
      FROM generate_series(1, 20000) AS i`);
    await suite.db.pool.query(sql.unsafe`ANALYZE events`);
    const { pool, captured } = capturingPool(suite.db.pool, { any: [] });
    const after = { createdAt: "2024-01-04T10:00:00.000000Z", eventId: "00000000-0000-7000-8000-000000000001" };
    const listing = { source: "web", userId: "user-1", limit: 50 };

    await postgresEventRepository(pool).list({ ...listing, from: "2024-01-02T00:00:00.000Z", to: "2024-01-06T00:00:00.000Z", after });
    const windowed = await planOf(suite.db.url, captured[0]);
    expect(windowed).to.contain("events_source_user_id_created_at_event_id_idx");
    expect(windowed).to.not.match(sortNode);
    // From the window's start through the cursor's day: the cursor bounds the later side.
    expect(partitionsRead(windowed)).to.deep.equal(["events_p20240102", "events_p20240103", "events_p20240104"]);

    await postgresEventRepository(pool).list(listing);
    const whole = await planOf(suite.db.url, captured[1]);
    expect(whole, "no window: every partition, each through the index, merged in order").to.not.match(sortNode).and.not.match(/Seq Scan on events_p/);
    expect(partitionsRead(whole)).to.have.length.above(20);
  });
});
