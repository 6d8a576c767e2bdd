import { expect } from "chai";
import type { APIGatewayProxyResult } from "aws-lambda";
import { cutPage, listedEventBytes, proxyResultBytes, responseBudgetBytes } from "../../../functions/query/response-size";
import { bodyBytesOf } from "../../../functions/shared/body-bytes";
import { jsonResponse } from "../../../functions/shared/http";
import type { ListedEvent, StoredEvent } from "../../../functions/shared/ports";
import { storedEvent as stored } from "../../../scripts/lib/factories";

/** Metadata whose text needs escaping twice over: quotes, backslashes, control characters, and characters beyond ASCII. */
const awkward = (n: number) => ({ text: `"\\\n\u0001é€😀`.repeat(n) });
const listing = (events: readonly unknown[]) => jsonResponse(200, { events, next_cursor: "c".repeat(100) }, { "X-Correlation-ID": "id" });
/** The event as the listing's first statement reads it: metadata left out, its size given. */
const listed = (event: StoredEvent): ListedEvent => ({
  event: { ...event, metadata: null },
  metadataBytes: bodyBytesOf(event.metadata),
  key: { createdAt: event.created_at, eventId: event.event_id },
});

describe("query: response size as Lambda counts it", () => {
  it("counts a proxy result as its JSON, with the body's quotes and backslashes escaped once more", () => {
    const result: APIGatewayProxyResult = { statusCode: 200, body: '"\\' };

    expect(proxyResultBytes(result)).to.equal(Buffer.byteLength(String.raw`{"statusCode":200,"body":"\"\\"}`));
  });

  it("adds up an answer from its empty page, each event (its metadata counted apart) and the commas between them, to the byte", () => {
    const events = [stored(1, awkward(3)), stored(2, null), stored(3, awkward(50)), stored(4, { n: 1 })];

    const added = events.reduce((sum, event, i) => sum + listedEventBytes(listed(event)) + (i === 0 ? 0 : 1), 0);

    expect(proxyResultBytes(listing([])) + added).to.equal(proxyResultBytes(listing(events)));
  });

  it("keeps the budget under Lambda's 6 MB limit", () => {
    expect(responseBudgetBytes).to.be.below(6 * 1024 * 1024);
  });
});

describe("query: cutting a listing page by size", () => {
  const events = [stored(1, awkward(20)), stored(2, awkward(20)), stored(3, awkward(20)), stored(4, awkward(20))];
  const eventBytes = events.map((event) => listedEventBytes(listed(event)));
  const empty = proxyResultBytes(listing([]));
  const answerOf = (count: number) => proxyResultBytes(listing(events.slice(0, count)));

  it("ends the page before the event that would pass the budget", () => {
    for (const count of [1, 2, 3]) {
      const cut = cutPage(eventBytes, empty, answerOf(count + 1) - 1);

      expect(cut).to.deep.equal({ served: count, withMetadata: count });
    }
  });

  it("takes every event when they fit, even at exactly the budget", () => {
    expect(cutPage(eventBytes, empty, answerOf(4))).to.deep.equal({ served: 4, withMetadata: 4 });
  });

  it("serves a first event that passes the budget alone, without its metadata, and ends the page there", () => {
    expect(cutPage(eventBytes, empty, answerOf(1) - 1)).to.deep.equal({ served: 1, withMetadata: 0 });
  });

  it("returns no events for no events", () => {
    expect(cutPage([], empty)).to.deep.equal({ served: 0, withMetadata: 0 });
  });
});
