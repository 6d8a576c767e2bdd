import { expect } from "chai";
import { sql } from "slonik";
import { createListHandler } from "../../../functions/query/list-events";
import { proxyResultBytes, responseBudgetBytes } from "../../../functions/query/response-size";
import type { EventRepository, StoredEvent } from "../../../functions/shared/ports";
import { useTestStore } from "../../support/database";
import { RecordingMetrics, recordingLogger, sequentialIds } from "../../support/fakes";
import { apiRequest, newEvent, sampleEvent, testEventId, testSourceDirectory } from "../../../scripts/lib/factories";

/** The store, counting the bytes of what each of its listing calls hands the query function. */
function countingReads(store: EventRepository) {
  const reads = { listed: [] as number[], metadata: [] as number[] };
  const counted: EventRepository = {
    ...store,
    list: async (query) => {
      const page = await store.list(query);
      reads.listed.push(Buffer.byteLength(JSON.stringify(page)));
      return page;
    },
    findMetadata: async (eventIds) => {
      const found = await store.findMetadata(eventIds);
      reads.metadata.push(Buffer.byteLength(JSON.stringify([...found.values()])));
      return found;
    },
  };
  return { counted, reads };
}

describe("GET /events over PostgreSQL: what a listing reads (embedded PostgreSQL, real migrations)", function () {
  this.timeout(120_000);
  const suite = useTestStore();
  const eventCount = 30;
  // About 1.1 MB of answer each (a quote costs four bytes once escaped twice): five fit a page, 33 MB in all.
  const metadata = { text: '"'.repeat(100_000) + "x".repeat(700_000) };

  it("reads about one answer's worth of metadata per page at limit 500, and pages through every event once", async () => {
    for (let n = 1; n <= eventCount; n += 3) {
      await suite.store.persist([n, n + 1, n + 2].map((m) => newEvent(m, { event: sampleEvent({ user_id: "heavy", metadata }) })));
    }
    // Events stored before migration 005, sized from their jsonb instead.
    await suite.db.pool.query(sql.unsafe`UPDATE events SET metadata_escaped_bytes = NULL WHERE right(event_id::text, 1) IN ('3', '6', '9')`);
    const { counted, reads } = countingReads(suite.store);
    const handler = createListHandler({ ports: { events: counted }, ids: sequentialIds(), log: recordingLogger().log, metrics: new RecordingMetrics(), sources: testSourceDirectory });

    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const response = await handler(
        apiRequest({ httpMethod: "GET", resource: "/events", body: null, queryStringParameters: { user_id: "heavy", limit: "500", ...(cursor && { cursor }) } }),
        { awsRequestId: "req" },
      );
      expect(response.statusCode).to.equal(200);
      expect(proxyResultBytes(response)).to.be.at.most(responseBudgetBytes);
      const body = JSON.parse(response.body) as { events: (StoredEvent & { metadata_omitted?: true })[]; next_cursor: string | null };
      expect(body.events.every((event) => !event.metadata_omitted && event.metadata?.text === metadata.text)).to.equal(true);
      pages.push(body.events.map((event) => event.event_id));
      cursor = body.next_cursor ?? undefined;
    } while (cursor && pages.length < 20);

    expect(pages.map((page) => page.length)).to.deep.equal([5, 5, 5, 5, 5, 5]);
    expect(pages.flat()).to.deep.equal(Array.from({ length: eventCount }, (_, i) => testEventId(eventCount - i)));
    for (const bytes of reads.metadata) expect(bytes).to.be.at.most(responseBudgetBytes);
    for (const bytes of reads.listed) expect(bytes).to.be.below(100_000);
  });
});
