import { expect } from "chai";
import { sql } from "slonik";
import { z } from "zod";
import { ensureEventPartitions } from "../../../functions/adapters/postgres-event-partitions";
import { postgresReplayStore } from "../../../functions/adapters/postgres-replay-store";
import { ingestEvent } from "../../../functions/ingest/core";
import { eventIdForKey } from "../../../functions/ingest/idempotency-key";
import { processBatch, type IncomingMessage, type ProcessorPorts } from "../../../functions/processor/core";
import { handleReplay, type ReplayPorts } from "../../../functions/replay/core";
import { partitionOf } from "../../../functions/shared/event-partitions";
import type { Clock } from "../../../functions/shared/ports";
import { sampleEvent } from "../../../scripts/lib/factories";
import { useTestStore } from "../../support/database";
import { FakeNotifier, FakePayloadStore, FakeQueue, recordingLogger, sequentialIds } from "../../support/fakes";
import { archiveSource } from "../../../functions/replay/archive-source";
import { FakeArchiveStore } from "../../support/fake-maintenance";

const day = 86_400_000;

/**
 * Every way a duplicate of an event reaches the processor, on daily partitions: each still leaves
 * one row, wherever in time its first copy was stored.
 */
describe("duplicates on a partitioned events table (ingest and processor cores, embedded PostgreSQL)", function () {
  this.timeout(60_000);
  const suite = useTestStore();
  let queue: FakeQueue;
  let topic: FakeNotifier;
  let ports: ProcessorPorts;
  let receivedAt: Date;
  const clock: Clock = { now: () => receivedAt };
  const ingestPorts = () => ({ queue, payloads: new FakePayloadStore(), clock, ids: sequentialIds() });
  const asReceived = (messageId: string, index = queue.sent.length - 1): IncomingMessage => ({ messageId, body: JSON.stringify(queue.sent[index]) });
  const rowsOf = (eventId: string) =>
    suite.db.pool.anyFirst(sql.type(z.object({ partition: z.string() }))`SELECT tableoid::regclass::text AS partition FROM events WHERE event_id = ${eventId}`);
  /** As if the event had been stored that long ago: its row and its key move to that day's partition. */
  const storedEarlier = async (eventId: string, by: number) => {
    for (const table of ["events", "event_keys"]) {
      await suite.db.pool.query(sql.unsafe`UPDATE ${sql.identifier([table])} SET created_at = created_at - ${by / 1000} * interval '1 second' WHERE event_id = ${eventId}`);
    }
  };

  before(async () => {
    await ensureEventPartitions(suite.db.pool, { width: "day", ahead: 4 }, new Date(Date.now() - 3 * day));
  });

  beforeEach(() => {
    queue = new FakeQueue();
    topic = new FakeNotifier();
    receivedAt = new Date();
    ports = { payloads: new FakePayloadStore(), events: suite.store, notifier: topic, log: recordingLogger().log };
  });

  const ingest = (eventId?: string) => ingestEvent(ingestPorts(), { largePayloadThresholdBytes: 262_144 }, "web", sampleEvent(), "corr-1", eventId);

  it("an SQS redelivery (the same message received twice) stores one row and publishes it once", async () => {
    const { eventId } = await ingest();
    const message = asReceived("m-1");
    expect((await processBatch(ports, [message])).failures).to.deep.equal([]);
    expect((await processBatch(ports, [message])).failures).to.deep.equal([]);
    expect(await rowsOf(eventId)).to.deep.equal([partitionOf("day", new Date()).name]);
    expect(topic.published.map((e) => e.event_id)).to.deep.equal([eventId]);
  });

  it("an Idempotency-Key retry after the first copy's day has passed stores no second row in today's partition", async () => {
    const eventId = eventIdForKey("web", "order-42");
    await ingest(eventId);
    await processBatch(ports, [asReceived("m-1")]);
    await storedEarlier(eventId, 2 * day);
    // The client retries later: ingest derives the same id from the key, on a message received now.
    receivedAt = new Date(receivedAt.getTime() + 10 * 60_000);
    await ingest(eventId);
    expect(queue.sent[0].received_at).to.not.equal(queue.sent[1].received_at);
    const retry = await processBatch(ports, [asReceived("m-2")]);
    expect(retry.failures).to.deep.equal([]);
    expect(retry.conflicts).to.equal(0);
    expect(await rowsOf(eventId)).to.deep.equal([partitionOf("day", new Date(Date.now() - 2 * day)).name]);
  });

  it("a DLQ redrive (the same body as a new message, days later) stores no second row", async () => {
    const { eventId } = await ingest();
    await processBatch(ports, [asReceived("m-1")]);
    await storedEarlier(eventId, day);
    expect((await processBatch(ports, [asReceived("m-redriven")])).failures).to.deep.equal([]);
    expect(await rowsOf(eventId)).to.deep.equal([partitionOf("day", new Date(Date.now() - day)).name]);
  });

  it("a replay re-publishes stored events and inserts none", async () => {
    const { eventId } = await ingest();
    await processBatch(ports, [asReceived("m-1")]);
    const replayTopic = new FakeNotifier();
    const replayPorts: ReplayPorts = {
      replays: postgresReplayStore(suite.db.pool),
      events: suite.store,
      deliveryTo: () => replayTopic,
      queueExists: () => Promise.resolve(true),
      clock: { now: () => new Date() },
      newReplayId: () => "7a1d0c4e-0000-4000-8000-000000000001",
      log: recordingLogger().log,
      archive: archiveSource(new FakeArchiveStore()),
      erasedEventIds: () => Promise.resolve(new Set()),
    };
    const settings = { maxWindowDays: 31, queueUrls: [], queueUrlsKey: "fluxa:replayQueueUrls", maxWindowKey: "fluxa:replayMaxWindowDays", sources: ["web"] };
    const window = { kind: "window" as const, from: new Date(Date.now() - day).toISOString(), to: new Date(Date.now() + 60_000).toISOString() };
    const started = await handleReplay(replayPorts, settings, { action: "start", selection: window, target: { kind: "topic" }, dryRun: false });
    expect(started).to.deep.include({ ok: true });
    await handleReplay(replayPorts, settings, { action: "page", replayId: "7a1d0c4e-0000-4000-8000-000000000001", limit: 100 });
    expect(replayTopic.published.map((e) => e.event_id)).to.deep.equal([eventId]);
    expect(await rowsOf(eventId)).to.have.length(1);
    expect(await suite.db.pool.oneFirst(sql.unsafe`SELECT count(*)::int FROM events`)).to.equal(1);
  });
});
