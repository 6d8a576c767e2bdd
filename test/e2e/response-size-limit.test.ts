import { expect } from "chai";
import type { StoredEvent } from "../../functions/shared/ports";
import { sampleEvent } from "../../scripts/lib/factories";
import { call, postEvent, startTestStack, waitForEvent, type TestStack } from "../../scripts/lib/local-stack-client";

type Served = StoredEvent & { metadata_omitted?: true };

/**
 * Metadata of `count` double quotes. Each costs about four bytes in the query's answer (escaped in
 * the event's JSON, then again in the proxy result) and as many in ingest's request, whose body is
 * escaped in the proxy event: so Lambda would accept every event here on AWS too.
 */
const quotes = (count: number) => ({ quotes: '"'.repeat(count) });

describe("query answers under Lambda's 6 MB response limit, end to end (local stack, over HTTP)", function () {
  this.timeout(180_000);
  const user = "six-megabytes";
  let t: TestStack;
  /** Newest first, as the listing serves them. */
  const stored: { id: string; quoteCount: number }[] = [];

  before(async () => {
    t = await startTestStack();
    // About 2.8 MB of answer each, two fit a page; then ~6.2 MB, within 256 KiB of the limit; then a small one.
    for (const quoteCount of [700_000, 700_000, 700_000, 1_540_000, 10]) {
      const accepted = await postEvent(t, sampleEvent({ user_id: user, metadata: quotes(quoteCount) }));
      expect(accepted.status).to.equal(202);
      const id = String(accepted.body.event_id);
      await waitForEvent(t, id);
      stored.unshift({ id, quoteCount });
    }
  });
  after(async () => {
    await t?.stop();
  });

  it("pages through a listing whose events pass 6 MB together, every event once, with no failed answer", async () => {
    const pages: Served[][] = [];
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams({ user_id: user, limit: "500", ...(cursor && { cursor }) });
      const page = await call(t, "GET", `/events?${query.toString()}`);
      expect(page.status, JSON.stringify(page.body).slice(0, 200)).to.equal(200);
      pages.push(page.body.events as Served[]);
      cursor = page.body.next_cursor as string | null;
    } while (cursor !== null && pages.length < 10);

    expect(pages.map((page) => page.map((event) => event.event_id))).to.deep.equal([
      [stored[0].id],
      [stored[1].id],
      [stored[2].id, stored[3].id],
      [stored[4].id],
    ]);
    const served = pages.flat();
    expect(served.filter((event) => event.metadata_omitted).map((event) => event.event_id)).to.deep.equal([stored[1].id]);
    for (const [i, event] of served.entries()) {
      if (i !== 1) expect(event.metadata, event.event_id).to.deep.equal(quotes(stored[i].quoteCount));
    }
  });

  it("answers GET /events/{id} of an event too large to serve whole with 200 and its metadata omitted", async () => {
    const response = await call(t, "GET", `/events/${stored[1].id}`);

    expect(response.status).to.equal(200);
    expect(response.body).to.include({ event_id: stored[1].id, user_id: user, metadata: null, metadata_omitted: true });
  });
});
