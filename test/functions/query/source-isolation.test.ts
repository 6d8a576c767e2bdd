import { expect } from "chai";
import fc from "fast-check";
import { createQueryHandler } from "../../../functions/query/get-event";
import { createListHandler } from "../../../functions/query/list-events";
import type { StoredEvent } from "../../../functions/shared/ports";
import { useTestStore } from "../../support/database";
import { RecordingMetrics, recordingLogger, sequentialIds } from "../../support/fakes";
import { apiRequest, callerContext, newEvent, sampleEvent, testEventId, testSourceDirectory } from "../../../scripts/lib/factories";

const keyIds = [...testSourceDirectory.keys()];
const sources = [...new Set(testSourceDirectory.values())];
const users = ["alice", "bob"];

/** A request made with one of the keys: read one stored (or unknown) id, or list one user. */
const request = fc.record({
  keyId: fc.constantFrom(...keyIds),
  read: fc.oneof(fc.record({ kind: fc.constant("get" as const), n: fc.integer({ min: 1, max: 12 }) }), fc.record({ kind: fc.constant("list" as const), user: fc.constantFrom(...users) })),
});

describe("source isolation, a property (query handlers on embedded PostgreSQL)", function () {
  this.timeout(120_000);
  const suite = useTestStore();

  it("never answers a request made with one source's key with another source's event", async () => {
    const deps = { ports: { events: suite.store }, ids: sequentialIds(), log: recordingLogger().log, metrics: new RecordingMetrics(), sources: testSourceDirectory };
    const [get, list] = [createQueryHandler(deps), createListHandler(deps)];
    await fc.assert(
      fc.asyncProperty(
        // Ten events, each of any source and either user; ids 11 and 12 stay unknown.
        fc.array(fc.record({ source: fc.constantFrom(...sources), user: fc.constantFrom(...users) }), { minLength: 10, maxLength: 10 }),
        fc.array(request, { minLength: 1, maxLength: 8 }),
        async (layout, requests) => {
          await suite.db.truncate();
          await suite.store.persist(layout.map(({ source, user }, i) => newEvent(i + 1, { source, event: sampleEvent({ user_id: user }) })));
          for (const { keyId, read } of requests) {
            const caller = testSourceDirectory.get(keyId);
            const requestContext = callerContext(keyId);
            const response =
              read.kind === "get"
                ? await get(apiRequest({ httpMethod: "GET", resource: "/events/{id}", body: null, pathParameters: { id: testEventId(read.n) }, requestContext }), { awsRequestId: "r" })
                : await list(apiRequest({ httpMethod: "GET", resource: "/events", body: null, queryStringParameters: { user_id: read.user }, requestContext }), { awsRequestId: "r" });
            const body = JSON.parse(response.body) as StoredEvent & { events?: StoredEvent[] };
            const served = read.kind === "get" ? (response.statusCode === 200 ? [body] : []) : (body.events ?? []);
            expect(served.every((event) => event.source === caller), `${keyId} read ${JSON.stringify(read)}`).to.equal(true);
            // And nothing of its own is withheld: the same read of its own source is complete.
            const own = layout.flatMap(({ source, user }, i) => (source === caller && (read.kind === "get" ? i + 1 === read.n : user === read.user) ? [testEventId(i + 1)] : []));
            expect(served.map((event) => event.event_id).sort()).to.deep.equal(own.sort());
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
