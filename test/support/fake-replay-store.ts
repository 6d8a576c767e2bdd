import type { EventSortKey, ReplayProgress, ReplaySelection, ReplayStore, StoredEvent, StoredReplay } from "../../functions/shared/ports";
import type { FakeEventRepository } from "./fakes";

const keyOf = (event: StoredEvent): EventSortKey => ({ createdAt: event.created_at, eventId: event.event_id });
/** (created_at, event_id) order, as the replays' index sorts. */
const compareKeys = (a: EventSortKey, b: EventSortKey) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.eventId.localeCompare(b.eventId);
const sameKey = (a: EventSortKey | null, b: EventSortKey | null) => (a === null || b === null ? a === b : compareKeys(a, b) === 0);

/** An in-memory replay store over a fake event repository's rows, with the semantics the PostgreSQL adapter promises. */
export class FakeReplayStore implements ReplayStore {
  readonly replays = new Map<string, StoredReplay>();
  constructor(private readonly events: FakeEventRepository) {}

  private selected(selection: ReplaySelection) {
    return [...this.events.rows.values()]
      .filter((row) => selection.from === null || Date.parse(row.created_at) >= Date.parse(selection.from))
      .filter((row) => Date.parse(row.created_at) < Date.parse(selection.to))
      .filter((row) => selection.userId === null || row.user_id === selection.userId)
      .filter((row) => selection.source === null || row.source === selection.source)
      .filter((row) => !selection.unpublishedOnly || !row.published)
      .sort((a, b) => compareKeys(keyOf(a), keyOf(b)));
  }

  count(selection: ReplaySelection) {
    return Promise.resolve({ count: this.selected(selection).length, estimated: false });
  }

  create(replay: Omit<StoredReplay, "sent" | "failed" | "after" | "finished">): Promise<StoredReplay> {
    const stored = { ...replay, sent: 0, failed: 0, after: null, finished: false };
    this.replays.set(replay.replayId, stored);
    return Promise.resolve(stored);
  }

  find(replayId: string) {
    return Promise.resolve(this.replays.get(replayId));
  }

  page(selection: ReplaySelection, after: EventSortKey | null, limit: number) {
    const rows = this.selected(selection).filter((row) => after === null || compareKeys(keyOf(row), after) > 0);
    return Promise.resolve(rows.slice(0, limit).map(({ published: _published, ...event }) => ({ event, key: keyOf(event) })));
  }

  advance(replayId: string, expected: EventSortKey | null, progress: ReplayProgress) {
    const replay = this.replays.get(replayId);
    if (!replay || replay.finished || !sameKey(replay.after, expected)) return Promise.resolve(false);
    this.replays.set(replayId, { ...replay, after: progress.after, sent: replay.sent + progress.sent, failed: replay.failed + progress.failed, finished: progress.finished });
    return Promise.resolve(true);
  }
}
