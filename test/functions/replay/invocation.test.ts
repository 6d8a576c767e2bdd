import { expect } from "chai";
import { archiveSource } from "../../../functions/replay/archive-source";
import { FakeArchiveStore } from "../../support/fake-maintenance";
import type { ReplayPorts, ReplaySettings } from "../../../functions/replay/core";
import { createReplayHandler } from "../../../functions/replay/invocation";
import type { ReplayRequest, ReplayResponse, ReplayState } from "../../../functions/replay/protocol";
import { newEvent, sampleEvent, testEventId } from "../../../scripts/lib/factories";
import { FakeReplayStore } from "../../support/fake-replay-store";
import { FakeEventRepository, FakeNotifier, RecordingMetrics, recordingLogger } from "../../support/fakes";

const eventId = testEventId;
const settings: ReplaySettings = {
  maxWindowDays: 31,
  queueUrls: ["https://sqs.eu-west-1.amazonaws.com/123456789012/listed", "http://127.0.0.1:4566/000000000000/*"],
  queueUrlsKey: "fluxa:replayQueueUrls",
  maxWindowKey: "fluxa:replayMaxWindowDays",
  sources: ["mobile", "web"],
};
const day = { kind: "window" as const, from: "2024-01-15T00:00:00Z", to: "2024-01-16T00:00:00Z" };

describe("replay function (core and invocation, on in-memory fakes of its ports)", () => {
  let store: FakeEventRepository;
  let replayStore: FakeReplayStore;
  let topic: FakeNotifier;
  let queues: Map<string, FakeNotifier>;
  let metrics: RecordingMetrics;
  let invoke: (request: ReplayRequest) => Promise<ReplayResponse>;

  beforeEach(() => {
    topic = new FakeNotifier();
    queues = new Map([["https://sqs.eu-west-1.amazonaws.com/123456789012/listed", new FakeNotifier()]]);
    metrics = new RecordingMetrics();
    store = new FakeEventRepository();
    replayStore = new FakeReplayStore(store);
    let replays = 0;
    const ports: ReplayPorts = {
      replays: replayStore,
      events: store,
      deliveryTo: (target) => (target.kind === "topic" ? topic : queues.get(target.queueUrl)!),
      queueExists: (url) => Promise.resolve(queues.has(url)),
      clock: { now: () => new Date("2024-01-15T12:00:00Z") },
      newReplayId: () => `7a1d0c4e-0000-4000-8000-${String(++replays).padStart(12, "0")}`,
      log: recordingLogger().log,
      archive: archiveSource(new FakeArchiveStore()),
      erasedEventIds: () => Promise.resolve(new Set()),
    };
    const handler = createReplayHandler({ ports, settings, log: recordingLogger().log, metrics });
    invoke = (request) => handler(request);
  });

  async function stored(n: number, createdAt: string, options: { userId?: string; published?: boolean; source?: string } = {}): Promise<void> {
    await store.persist([newEvent(n, { source: options.source ?? "web", event: sampleEvent({ user_id: options.userId ?? "alice" }) })]);
    const row = store.rows.get(eventId(n))!;
    store.rows.set(eventId(n), { ...row, created_at: new Date(createdAt).toISOString(), published: options.published ?? true });
  }

  async function started(request: Omit<Extract<ReplayRequest, { action: "start" }>, "action" | "dryRun">): Promise<ReplayState> {
    const response = await invoke({ action: "start", dryRun: false, ...request });
    if (!response.ok || !("replay" in response)) throw new Error(JSON.stringify(response));
    return response.replay;
  }

  async function nextPage(replayId: string, limit: number) {
    const response = await invoke({ action: "page", replayId, limit });
    if (!response.ok || !("replay" in response) || !response.page) throw new Error(JSON.stringify(response));
    return response;
  }

  it("replays one source's events when asked, and refuses a source the stack does not have, naming its sources", async () => {
    await stored(1, "2024-01-15T10:00:01Z", { source: "mobile" });
    await stored(2, "2024-01-15T10:00:02Z");
    const replay = await started({ selection: { ...day, source: "mobile" }, target: { kind: "topic" } });
    expect(replay.source).to.equal("mobile");
    await nextPage(replay.replayId, 10);
    expect(topic.published.map((e) => [e.event_id, e.source])).to.deep.equal([[eventId(1), "mobile"]]);
    const refused = await invoke({ action: "start", dryRun: true, selection: { ...day, source: "partner" }, target: { kind: "topic" } });
    expect(refused).to.deep.equal({ ok: false, problem: '--source "partner" is not a source of this stack; its sources: mobile, web' });
  });

  it("delivers the window oldest first with replay=true and its replay_id, page by page, and finishes", async () => {
    for (let n = 1; n <= 5; n++) await stored(n, `2024-01-15T10:00:0${n}Z`);
    await stored(6, "2024-01-16T00:00:00Z");
    const replay = await started({ selection: day, target: { kind: "topic" } });
    expect(replay).to.deep.include({ selected: 5, sent: 0, finished: false });

    expect((await nextPage(replay.replayId, 2)).replay.finished).to.equal(false);
    await nextPage(replay.replayId, 2);
    const last = await nextPage(replay.replayId, 2);
    expect(last.replay).to.deep.include({ sent: 5, failed: 0, finished: true });
    expect(topic.published.map((e) => e.event_id)).to.deep.equal([1, 2, 3, 4, 5].map(eventId));
    expect(topic.attributes.every((a) => a.replay === "true" && a.replay_id === replay.replayId)).to.equal(true);
    expect([metrics.total("replay_sent"), metrics.total("replay_failed")]).to.deep.equal([5, 0]);
  });

  it("stops its cursor before a failed delivery: the next page starts there, resending what followed, skipping nothing", async () => {
    for (let n = 1; n <= 4; n++) await stored(n, `2024-01-15T10:00:0${n}Z`);
    const replay = await started({ selection: day, target: { kind: "topic" } });
    topic.failing.add(eventId(2));
    const failed = await nextPage(replay.replayId, 10);
    expect(failed.page!.failures.map((f) => f.eventId)).to.deep.equal([eventId(2)]);
    expect(failed.replay).to.deep.include({ sent: 3, failed: 1, finished: false });

    topic.failing.clear();
    const retried = await nextPage(replay.replayId, 10);
    expect(retried.replay).to.deep.include({ finished: true, sent: 6 });
    expect(topic.published.map((e) => e.event_id)).to.deep.equal([1, 3, 4, 2, 3, 4].map(eventId));
  });

  it("keeps to one user and sends to one listed queue, not the topic", async () => {
    await stored(1, "2024-01-15T10:00:00Z", { userId: "alice" });
    await stored(2, "2024-01-15T10:00:01Z", { userId: "bob" });
    const url = "https://sqs.eu-west-1.amazonaws.com/123456789012/listed";
    const replay = await started({ selection: { ...day, userId: "bob" }, target: { kind: "queue", queueUrl: url } });
    await nextPage(replay.replayId, 10);
    expect(queues.get(url)!.published.map((e) => e.event_id)).to.deep.equal([eventId(2)]);
    expect(topic.published).to.deep.equal([]);
  });

  it("sweeps the outbox: publishes the old unpublished events without replay=true, and marks them", async () => {
    await stored(1, "2024-01-15T11:00:00Z", { published: false });
    await stored(2, "2024-01-15T11:00:01Z", { published: true });
    await stored(3, "2024-01-15T11:59:00Z", { published: false });
    const replay = await started({ selection: { kind: "unpublished", olderThanSeconds: 600 }, target: { kind: "topic" } });
    expect(replay).to.deep.include({ selected: 1, unpublishedOnly: true, to: "2024-01-15T11:50:00.000Z" });
    await nextPage(replay.replayId, 10);
    expect(topic.published.map((e) => e.event_id)).to.deep.equal([eventId(1)]);
    expect(topic.attributes).to.deep.equal([{ replay_id: replay.replayId }]);
    const unpublished = [...store.rows.values()].filter((row) => !row.published).map((row) => row.event_id);
    expect(unpublished).to.deep.equal([eventId(3)]);
  });

  it("counts without sending or recording anything on a dry run", async () => {
    await stored(1, "2024-01-15T10:00:00Z");
    expect(await invoke({ action: "start", dryRun: true, selection: day, target: { kind: "topic" } })).to.deep.equal({ ok: true, dryRun: { selected: 1, selectedEstimated: false } });
    expect(replayStore.replays.size).to.equal(0);
  });

  const refusals: [string, ReplayRequest, RegExp][] = [
    ["a queue stack config does not list", { action: "start", dryRun: false, selection: day, target: { kind: "queue", queueUrl: "https://sqs.eu-west-1.amazonaws.com/123456789012/other" } }, /is not a replay target: add it to stack config fluxa:replayQueueUrls/],
    ["a listed queue that does not exist", { action: "start", dryRun: false, selection: day, target: { kind: "queue", queueUrl: "http://127.0.0.1:4566/000000000000/gone" } }, /queue http:\/\/127\.0\.0\.1:4566\/000000000000\/gone does not exist/],
    ["a window over the maximum", { action: "start", dryRun: false, selection: { kind: "window", from: "2024-01-01T00:00:00Z", to: "2024-02-02T00:00:00Z" }, target: { kind: "topic" } }, /over the maximum of 31 \(stack config fluxa:replayMaxWindowDays\)/],
    ["a reversed window", { action: "start", dryRun: false, selection: { kind: "window", from: day.to, to: day.from }, target: { kind: "topic" } }, /must be before/],
    ["an impossible date", { action: "start", dryRun: false, selection: { kind: "window", from: "2024-02-30T00:00:00Z", to: day.to }, target: { kind: "topic" } }, /is not an RFC 3339 date-time/],
    ["the sweep sent to a queue", { action: "start", dryRun: false, selection: { kind: "unpublished", olderThanSeconds: 60 }, target: { kind: "queue", queueUrl: "https://sqs.eu-west-1.amazonaws.com/123456789012/listed" } }, /outbox sweep publishes to the events topic/],
    ["an unknown replay", { action: "describe", replayId: "7a1d0c4e-0000-4000-8000-999999999999" }, /no replay with id/],
    ["a replay id that is no id", { action: "page", replayId: "nope", limit: 10 }, /no replay with id "nope"/],
    ["a page too large", { action: "page", replayId: "7a1d0c4e-0000-4000-8000-000000000001", limit: 1000 }, /a page holds 1 to 100 events/],
    ["a request of another shape", { action: "erase" } as unknown as ReplayRequest, /not a replay request/],
  ];
  for (const [name, request, problem] of refusals) {
    it(`refuses ${name} with a one-line reason, sending nothing`, async () => {
      await stored(1, "2024-01-15T10:00:00Z");
      const response = await invoke(request);
      expect(response.ok).to.equal(false);
      if (!response.ok) {
        expect(response.problem).to.match(problem);
        expect(response.problem).to.not.contain("\n");
      }
      expect(topic.published.length + [...queues.values()].reduce((sum, q) => sum + q.published.length, 0)).to.equal(0);
      expect(replayStore.replays.size).to.equal(0);
    });
  }
});
