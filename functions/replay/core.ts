import type { Clock, EventNotifier, EventRepository, Log, ReplaySelection, ReplayStore, StoredReplay } from "../shared/ports";
import { messageAttributeNames } from "../shared/queue-message";
import { uuidPattern } from "../shared/id-formats";
import type { ArchivedEvent, ArchiveSource } from "./archive-source";
import { parseInstant } from "./instant";
import { maxPageSize, type PageResult, type ReplayRequest, type ReplayResponse, type ReplayState, type ReplayTarget } from "./protocol";

export interface ReplayPorts {
  readonly replays: ReplayStore;
  readonly events: Pick<EventRepository, "markPublished">;
  /** The events topic, or one queue. */
  readonly deliveryTo: (target: ReplayTarget) => EventNotifier;
  readonly queueExists: (queueUrl: string) => Promise<boolean>;
  readonly clock: Clock;
  readonly newReplayId: () => string;
  readonly log: Log;
  /** The events of dropped partitions, read from their archive. */
  readonly archive: ArchiveSource;
  /** The ids of the archived events a user erasure covers: a replay from the archive never delivers them. */
  readonly erasedEventIds: (events: readonly ArchivedEvent[]) => Promise<ReadonlySet<string>>;
}

export interface ReplaySettings {
  readonly maxWindowDays: number;
  /** Queues a replay may send to: exact URLs, or a prefix ending in `*` (the local stack's own emulator). */
  readonly queueUrls: readonly string[];
  /** The stack config key that lists them, named when a queue is refused. */
  readonly queueUrlsKey: string;
  readonly maxWindowKey: string;
  /** The stack's sources: a replay of any other is refused, naming these. */
  readonly sources: readonly string[];
}

type Refusal = { readonly ok: false; readonly problem: string };
const refuse = (problem: string): Refusal => ({ ok: false, problem });

/** One invocation's work: start (or dry-run) a replay, describe one, or deliver its next page. */
export async function handleReplay(ports: ReplayPorts, settings: ReplaySettings, request: ReplayRequest): Promise<ReplayResponse> {
  switch (request.action) {
    case "start":
      return start(ports, settings, request);
    case "describe": {
      const found = await findReplay(ports, request.replayId);
      return "problem" in found ? found : { ok: true, replay: stateOf(found) };
    }
    case "page":
      return page(ports, request.replayId, request.limit);
  }
}

async function start(ports: ReplayPorts, settings: ReplaySettings, request: Extract<ReplayRequest, { action: "start" }>): Promise<ReplayResponse> {
  const selection = resolveSelection(request.selection, settings, ports.clock.now());
  if ("problem" in selection) return selection;
  const target = request.target;
  if (target.kind === "queue") {
    if (selection.unpublishedOnly) return refuse("the outbox sweep publishes to the events topic; it cannot be sent to one queue");
    if (!queueAllowed(target.queueUrl, settings.queueUrls)) {
      return refuse(`queue ${target.queueUrl} is not a replay target: add it to stack config ${settings.queueUrlsKey} and deploy`);
    }
    if (!(await ports.queueExists(target.queueUrl))) return refuse(`queue ${target.queueUrl} does not exist`);
  }
  const { count: selected, estimated: selectedEstimated } = await (selection.fromArchive ? ports.archive : ports.replays).count(selection);
  if (request.dryRun) return { ok: true, dryRun: { selected, selectedEstimated } };
  const replay = await ports.replays.create({
    ...selection,
    replayId: ports.newReplayId(),
    targetQueueUrl: target.kind === "queue" ? target.queueUrl : null,
    selected,
    selectedEstimated,
  });
  ports.log.info({ replay_id: replay.replayId, ...selection, target_queue_url: replay.targetQueueUrl, selected }, "replay started");
  return { ok: true, replay: stateOf(replay) };
}

function resolveSelection(selection: Extract<ReplayRequest, { action: "start" }>["selection"], settings: ReplaySettings, now: Date): ReplaySelection | Refusal {
  const source = selection.source ?? null;
  if (source !== null && !settings.sources.includes(source)) return refuse(`--source ${JSON.stringify(source)} is not a source of this stack; its sources: ${settings.sources.join(", ")}`);
  if (selection.kind === "unpublished") {
    if (!Number.isInteger(selection.olderThanSeconds) || selection.olderThanSeconds < 0) return refuse("the age of unpublished events must be a whole number of seconds");
    return { from: null, to: new Date(now.getTime() - selection.olderThanSeconds * 1000).toISOString(), userId: null, source, unpublishedOnly: true, fromArchive: false };
  }
  const from = parseInstant(selection.from);
  const to = parseInstant(selection.to);
  if (from === undefined) return refuse(`--from ${JSON.stringify(selection.from)} is not an RFC 3339 date-time such as 2026-01-31T00:00:00Z`);
  if (to === undefined) return refuse(`--to ${JSON.stringify(selection.to)} is not an RFC 3339 date-time such as 2026-01-31T00:00:00Z`);
  if (from >= to) return refuse(`--from ${selection.from} must be before --to ${selection.to}`);
  const days = (to - from) / 86_400_000;
  if (days > settings.maxWindowDays) {
    return refuse(`the window spans ${days.toFixed(1)} days, over the maximum of ${settings.maxWindowDays} (stack config ${settings.maxWindowKey}); replay it in parts`);
  }
  if (selection.userId !== undefined && selection.userId.trim() === "") return refuse("--user-id must not be empty");
  return { from: selection.from, to: selection.to, userId: selection.userId ?? null, source, unpublishedOnly: false, fromArchive: selection.fromArchive ?? false };
}

function queueAllowed(queueUrl: string, allowed: readonly string[]): boolean {
  return allowed.some((entry) => (entry.endsWith("*") ? queueUrl.startsWith(entry.slice(0, -1)) : queueUrl === entry));
}

async function findReplay(ports: ReplayPorts, replayId: string): Promise<StoredReplay | Refusal> {
  const found = uuidPattern.test(replayId) ? await ports.replays.find(replayId) : undefined;
  return found ?? refuse(`no replay with id ${JSON.stringify(replayId)}`);
}

/**
 * Delivers the next page and moves the cursor past the events delivered with every event before
 * them. Events after a failed one are delivered too and will be sent again: a replay may repeat
 * an event, it never skips one.
 */
async function page(ports: ReplayPorts, replayId: string, limit: number): Promise<ReplayResponse> {
  if (!Number.isInteger(limit) || limit < 1 || limit > maxPageSize) return refuse(`a page holds 1 to ${maxPageSize} events, not ${limit}`);
  const replay = await findReplay(ports, replayId);
  if ("problem" in replay) return replay;
  if (replay.finished) return { ok: true, replay: stateOf(replay), page: { sent: 0, failures: [] } };

  const { rows, erased } = await pageRows(ports, replay, limit);
  const target: ReplayTarget = replay.targetQueueUrl === null ? { kind: "topic" } : { kind: "queue", queueUrl: replay.targetQueueUrl };
  const failures = await ports.deliveryTo(target).publish(
    rows.filter((row) => !erased.has(row.event.event_id)).map((row) => row.event),
    replayAttributes(replay),
  );
  const failed = new Set(failures.map((f) => f.eventId));
  const firstFailure = rows.findIndex((row) => failed.has(row.event.event_id));
  const confirmed = firstFailure === -1 ? rows : rows.slice(0, firstFailure);
  const delivered = rows.filter((row) => !failed.has(row.event.event_id) && !erased.has(row.event.event_id)).map((row) => row.event.event_id);
  if (replay.unpublishedOnly) await ports.events.markPublished(delivered);

  const result: PageResult = { sent: delivered.length, failures, ...(replay.fromArchive ? { erased: erased.size } : {}) };
  const progress = {
    after: confirmed.at(-1)?.key ?? replay.after,
    sent: delivered.length,
    failed: failures.length,
    finished: failures.length === 0 && rows.length < limit,
  };
  if (!(await ports.replays.advance(replay.replayId, replay.after, progress))) {
    throw new Error(`replay ${replay.replayId} was moved by another run at the same time; its page was delivered and will be delivered again on resume`);
  }
  for (const failure of failures) ports.log.warn({ replay_id: replay.replayId, event_id: failure.eventId, reason: failure.reason }, "replay delivery failed");
  const updated = { ...replay, after: progress.after, sent: replay.sent + progress.sent, failed: replay.failed + progress.failed, finished: progress.finished };
  return { ok: true, replay: stateOf(updated), page: result };
}

/** The page's rows, and (from the archive) those an erasure covers: the cursor moves past them, nothing delivers them. */
async function pageRows(ports: ReplayPorts, replay: StoredReplay, limit: number) {
  if (!replay.fromArchive) return { rows: await ports.replays.page(replay, replay.after, limit), erased: new Set<string>() };
  const rows = await ports.archive.page(replay, replay.after, limit);
  return { rows, erased: rows.length === 0 ? new Set<string>() : await ports.erasedEventIds(rows) };
}

/**
 * A replay carries `replay=true` so consumers can tell it from a first delivery. The outbox sweep
 * does not: for subscribers its events are (almost always) first deliveries, and one filtering
 * replays out must still receive them. Both carry `replay_id`, to trace a delivery to its run.
 */
function replayAttributes(replay: StoredReplay): Record<string, string> {
  const id = { [messageAttributeNames.replayId]: replay.replayId };
  return replay.unpublishedOnly ? id : { [messageAttributeNames.replay]: "true", ...id };
}

function stateOf(replay: StoredReplay): ReplayState {
  return {
    replayId: replay.replayId,
    from: replay.from,
    to: replay.to,
    userId: replay.userId,
    source: replay.source,
    unpublishedOnly: replay.unpublishedOnly,
    fromArchive: replay.fromArchive,
    target: replay.targetQueueUrl === null ? { kind: "topic" } : { kind: "queue", queueUrl: replay.targetQueueUrl },
    selected: replay.selected,
    selectedEstimated: replay.selectedEstimated,
    sent: replay.sent,
    failed: replay.failed,
    finished: replay.finished,
  };
}
