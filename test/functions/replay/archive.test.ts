import { expect } from "chai";
import { archiveSource, type ArchivedEvent } from "../../../functions/replay/archive-source";
import type { ReplayPorts, ReplaySettings } from "../../../functions/replay/core";
import { createReplayHandler } from "../../../functions/replay/invocation";
import type { ReplayRequest, ReplayResponse } from "../../../functions/replay/protocol";
import { archiveFileKey, archiveFormat, archiveManifestKey, encodeArchiveFile, type ArchivedRow, type ArchiveManifest } from "../../../functions/shared/event-archive";
import { messageAttributeNames } from "../../../functions/shared/queue-message";
import { FakeArchiveStore } from "../../support/fake-maintenance";
import { FakeReplayStore } from "../../support/fake-replay-store";
import { FakeEventRepository, FakeNotifier, RecordingMetrics, recordingLogger } from "../../support/fakes";

const settings: ReplaySettings = { maxWindowDays: 31, queueUrls: [], queueUrlsKey: "fluxa:replayQueueUrls", maxWindowKey: "fluxa:replayMaxWindowDays", sources: ["web"] };
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

/** A row as the maintenance function archives it (to_jsonb of events, created_at as UTC text with microseconds). */
function archivedRow(n: number, createdAt: string, userId: string): ArchivedRow {
  return {
    event_id: id(n),
    created_at: createdAt,
    source: "web",
    correlation_id: `c-${n}`,
    user_id: userId,
    amount: 12.5,
    currency: "EUR",
    merchant: "shop",
    event_timestamp: "2025-01-10T00:00:00+00:00",
    metadata: null,
    payload_mode: "INLINE",
    payload_sha256: "a".repeat(64),
    payload_key: null,
    received_at: createdAt.replace(/\.\d+Z$/, "+00:00"),
    published_at: createdAt.replace(/\.\d+Z$/, "+00:00"),
  };
}

/** One archived day in files of two rows, as the maintenance core writes it. */
function archive(store: FakeArchiveStore, partition: string, from: string, to: string, rows: readonly ArchivedRow[]): void {
  const files = [];
  for (let i = 0; i < rows.length; i += 2) {
    const { body, file } = encodeArchiveFile(archiveFileKey(partition, files.length), rows.slice(i, i + 2));
    store.objects.set(file.key, body);
    files.push(file);
  }
  const manifest: ArchiveManifest = { format: archiveFormat, partition, from, to, rowCount: rows.length, files, archivedAt: "2026-12-07T00:00:00.000Z" };
  store.objects.set(archiveManifestKey(partition), new TextEncoder().encode(JSON.stringify(manifest)));
}

describe("replay from the archive", () => {
  let topic: FakeNotifier;
  let erasedUsers: Set<string>;
  let asked: ArchivedEvent[][];
  let erasureFailure: Error | undefined;
  let invoke: (request: ReplayRequest) => Promise<ReplayResponse>;

  beforeEach(() => {
    const store = new FakeArchiveStore();
    archive(store, "events_p20250110", "2025-01-10T00:00:00.000Z", "2025-01-11T00:00:00.000Z", [
      archivedRow(1, "2025-01-10T01:00:00.000001Z", "alice"),
      archivedRow(2, "2025-01-10T01:00:00.000002Z", "erased-user"),
      archivedRow(3, "2025-01-10T02:00:00.000000Z", "alice"),
      archivedRow(4, "2025-01-10T03:00:00.000000Z", "bob"),
      archivedRow(5, "2025-01-10T04:00:00.000000Z", "alice"),
    ]);
    archive(store, "events_p20250111", "2025-01-11T00:00:00.000Z", "2025-01-12T00:00:00.000Z", [archivedRow(6, "2025-01-11T01:00:00.000000Z", "alice")]);
    topic = new FakeNotifier();
    erasedUsers = new Set(["erased-user"]);
    asked = [];
    erasureFailure = undefined;
    const events = new FakeEventRepository();
    const ports: ReplayPorts = {
      replays: new FakeReplayStore(events),
      events,
      deliveryTo: () => topic,
      queueExists: () => Promise.resolve(false),
      clock: { now: () => new Date("2026-12-07T12:00:00Z") },
      newReplayId: () => "7a1d0c4e-0000-4000-8000-000000000001",
      log: recordingLogger().log,
      archive: archiveSource(store),
      erasedEventIds: (rows) => {
        if (erasureFailure) return Promise.reject(erasureFailure);
        asked.push([...rows]);
        return Promise.resolve(new Set(rows.filter((row) => erasedUsers.has(row.event.user_id)).map((row) => row.event.event_id)));
      },
    };
    const handler = createReplayHandler({ ports, settings, log: recordingLogger().log, metrics: new RecordingMetrics() });
    invoke = (request) => handler(request);
  });

  const start = (dryRun: boolean, extra: { userId?: string; to?: string } = {}) =>
    invoke({ action: "start", dryRun, selection: { kind: "window", from: "2025-01-10T00:00:00Z", to: extra.to ?? "2025-01-11T00:00:00Z", fromArchive: true, ...(extra.userId ? { userId: extra.userId } : {}) }, target: { kind: "topic" } });

  it("counts the window from the manifests: exact for whole partitions, an estimate when a user narrows it", async () => {
    expect(await start(true)).to.deep.equal({ ok: true, dryRun: { selected: 5, selectedEstimated: false } });
    expect(await start(true, { userId: "alice" })).to.deep.equal({ ok: true, dryRun: { selected: 5, selectedEstimated: true } });
    expect(await start(true, { to: "2025-01-12T00:00:00Z" })).to.deep.equal({ ok: true, dryRun: { selected: 6, selectedEstimated: false } });
  });

  it("re-delivers the archived window oldest first across files, page by page, never an event an erasure covers", async () => {
    const started = await start(false);
    if (!started.ok || !("replay" in started)) throw new Error(JSON.stringify(started));
    expect(started.replay.fromArchive).to.equal(true);
    const pages = [];
    for (let finished = false; !finished; ) {
      const response = await invoke({ action: "page", replayId: started.replay.replayId, limit: 2 });
      if (!response.ok || !("replay" in response)) throw new Error(JSON.stringify(response));
      pages.push(response.page);
      finished = response.replay.finished;
    }
    expect(topic.published.map((e) => e.event_id)).to.deep.equal([1, 3, 4, 5].map(id));
    expect(pages.map((p) => [p?.sent, p?.erased])).to.deep.equal([[1, 1], [2, 0], [1, 0]]);
    expect(asked.flat().map((row) => row.event.event_id)).to.deep.equal([1, 2, 3, 4, 5].map(id));
    expect(topic.published[0]).to.deep.include({ user_id: "alice", amount: 12.5, currency: "EUR", timestamp: "2025-01-10T00:00:00.000Z", created_at: "2025-01-10T01:00:00.000Z" });
    expect(topic.attributes[0][messageAttributeNames.replay]).to.equal("true");
  });

  it("delivers nothing when the erasure filter fails: the page fails and the cursor stays", async () => {
    const started = await start(false);
    if (!started.ok || !("replay" in started)) throw new Error(JSON.stringify(started));
    erasureFailure = new Error("tombstones unreadable");
    let failure: Error | undefined;
    await invoke({ action: "page", replayId: started.replay.replayId, limit: 2 }).catch((error: Error) => (failure = error));
    expect(failure?.message).to.equal("tombstones unreadable");
    expect(topic.published).to.deep.equal([]);
    expect(await invoke({ action: "describe", replayId: started.replay.replayId })).to.deep.include({ ok: true }).and.nested.include({ "replay.sent": 0 });
  });
});
