import pino from "pino";
import { Writable } from "node:stream";
import { bodyBytesOf } from "../../functions/shared/body-bytes";
import type { JsonObject } from "../../functions/shared/event-schema";
import type { MetricsRecorder } from "../../functions/shared/metrics";
import type {
  BatchSendFailure,
  Clock,
  EventListQuery,
  EventNotifier,
  EventPage,
  EventQueue,
  EventRepository,
  IdSource,
  NewEvent,
  PayloadStore,
  PersistResult,
  PublishFailure,
  ReceivedMessage,
  RetryQueue,
  StoredEvent,
} from "../../functions/shared/ports";
import type { QueueMessage } from "../../functions/shared/queue-message";

export class FakeQueue implements EventQueue {
  readonly sent: QueueMessage[] = [];
  readonly batchCalls: number[] = [];
  failure: Error | undefined;
  /** Messages of a user_id listed here are refused one by one, as SQS reports per-entry failures. */
  readonly refusedUsers = new Set<string>();
  send(message: QueueMessage): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    this.sent.push(message);
    return Promise.resolve();
  }
  sendBatch(messages: readonly QueueMessage[]): Promise<BatchSendFailure[]> {
    if (this.failure) return Promise.reject(this.failure);
    this.batchCalls.push(messages.length);
    const failures: BatchSendFailure[] = [];
    messages.forEach((message, index) => {
      const userId = "payload" in message ? (message.payload as { user_id?: string }).user_id : undefined;
      if (userId !== undefined && this.refusedUsers.has(userId)) failures.push({ index, reason: "InternalError" });
      else this.sent.push(message);
    });
    return Promise.resolve(failures);
  }
}

export class FakePayloadStore implements PayloadStore {
  readonly bucket = "payloads";
  readonly objects = new Map<string, string>();
  failure: Error | undefined;
  put(key: string, body: string): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    this.objects.set(`${this.bucket}/${key}`, body);
    return Promise.resolve();
  }
  get(bucket: string, key: string): Promise<string | undefined> {
    if (this.failure) return Promise.reject(this.failure);
    return Promise.resolve(this.objects.get(`${bucket}/${key}`));
  }
}

/** An in-memory event store with the semantics the PostgreSQL adapter promises. */
export class FakeEventRepository implements EventRepository {
  readonly rows = new Map<string, StoredEvent & { published: boolean }>();
  failure: Error | undefined;
  readonly hashes = new Map<string, string>();
  /** Ids an erasure covers: never stored, reported as erased. */
  readonly erasedIds = new Set<string>();
  persist(batch: readonly NewEvent[]): Promise<PersistResult> {
    if (this.failure) return Promise.reject(this.failure);
    const erased = batch.filter((e) => this.erasedIds.has(e.eventId)).map((e) => e.eventId);
    const events = batch.filter((e) => !this.erasedIds.has(e.eventId));
    const conflicting = events.filter((e) => this.hashes.has(e.eventId) && this.hashes.get(e.eventId) !== e.payloadSha256).map((e) => e.eventId);
    for (const e of events) {
      if (this.rows.has(e.eventId)) continue;
      this.hashes.set(e.eventId, e.payloadSha256);
      this.rows.set(e.eventId, {
        event_id: e.eventId,
        source: e.source,
        correlation_id: e.correlationId,
        ...e.event,
        metadata: e.event.metadata ?? null,
        payload_mode: e.payloadMode,
        created_at: new Date(0).toISOString(),
        published: false,
      });
    }
    const ids = new Set(events.map((e) => e.eventId));
    const unpublished = [...this.rows.values()].filter((r) => ids.has(r.event_id) && !r.published);
    return Promise.resolve({ unpublished, conflicting, erased });
  }
  markPublished(eventIds: readonly string[]): Promise<void> {
    for (const id of eventIds) {
      const row = this.rows.get(id);
      if (row) row.published = true;
    }
    return Promise.resolve();
  }
  findById(eventId: string, source: string): Promise<StoredEvent | undefined> {
    if (this.failure) return Promise.reject(this.failure);
    const row = this.rows.get(eventId);
    return Promise.resolve(row?.source === source ? row : undefined);
  }
  readonly listQueries: EventListQuery[] = [];
  list(query: EventListQuery): Promise<EventPage> {
    if (this.failure) return Promise.reject(this.failure);
    this.listQueries.push(query);
    const keyOf = (r: StoredEvent) => `${r.created_at} ${r.event_id}`;
    const after = query.after && `${new Date(query.after.createdAt).toISOString()} ${query.after.eventId}`;
    const matching = [...this.rows.values()]
      .filter((r) => r.source === query.source && r.user_id === query.userId && (after === undefined || keyOf(r) < after))
      .filter((r) => (query.from === undefined || r.created_at >= query.from) && (query.to === undefined || r.created_at < query.to))
      .sort((a, b) => keyOf(b).localeCompare(keyOf(a)));
    const entries = matching.slice(0, query.limit).map(({ published: _published, ...event }) => ({
      event: { ...event, metadata: null },
      metadataBytes: bodyBytesOf(event.metadata),
      key: { createdAt: event.created_at, eventId: event.event_id },
    }));
    return Promise.resolve({ entries, more: matching.length > query.limit });
  }
  /** The event ids of each findMetadata call, in order. */
  readonly metadataReads: string[][] = [];
  findMetadata(eventIds: readonly string[]): Promise<Map<string, JsonObject | null>> {
    if (this.failure) return Promise.reject(this.failure);
    this.metadataReads.push([...eventIds]);
    return Promise.resolve(new Map(eventIds.flatMap((id) => {
      const row = this.rows.get(id);
      return row ? [[id, row.metadata] as const] : [];
    })));
  }
}

/** A store whose every call fails as a database that is down does. */
export function unavailableStore(): FakeEventRepository {
  const store = new FakeEventRepository();
  store.failure = new Error("ECONNREFUSED");
  return store;
}

export class FakeNotifier implements EventNotifier {
  readonly published: StoredEvent[] = [];
  /** The extra attributes each published event carried, in publishing order. */
  readonly attributes: Readonly<Record<string, string>>[] = [];
  failing = new Set<string>();
  publish(events: readonly StoredEvent[], attributes: Readonly<Record<string, string>> = {}): Promise<PublishFailure[]> {
    const failures: PublishFailure[] = [];
    for (const event of events) {
      if (this.failing.has(event.event_id)) failures.push({ eventId: event.event_id, reason: "unavailable" });
      else {
        this.published.push(event);
        this.attributes.push(attributes);
      }
    }
    return Promise.resolve(failures);
  }
}

export const fixedClock: Clock = { now: () => new Date("2024-01-15T10:30:01.000Z") };

export function sequentialIds(): IdSource {
  let n = 0;
  const next = () => `00000000-0000-7000-8000-${String(++n).padStart(12, "0")}`;
  return { newEventId: next, newCorrelationId: () => `corr-${++n}` };
}

export class RecordingMetrics implements MetricsRecorder {
  readonly emitted: { name: string; value: number }[] = [];
  /** The dimension sets added since the last publish, and what each publish carried. */
  dimensionSets: Record<string, string>[] = [];
  readonly published: Record<string, string>[][] = [];
  /** Metrics emitted on their own with a dimension (`singleMetric`). */
  readonly single: { name: string; value: number; dimensions: Record<string, string> }[] = [];
  addMetric(name: string, _unit: unknown, value: number): this {
    this.emitted.push({ name, value });
    return this;
  }
  addDimensions(dimensions: Readonly<Record<string, string>>): this {
    this.dimensionSets.push({ ...dimensions });
    return this;
  }
  singleMetric() {
    const dimensions: Record<string, string> = {};
    return {
      addDimension: (name: string, value: string) => void (dimensions[name] = value),
      addMetric: (name: string, _unit: unknown, value: number) => void this.single.push({ name, value, dimensions: { ...dimensions } }),
    };
  }
  publishStoredMetrics(): void {
    this.published.push(this.dimensionSets);
    this.dimensionSets = [];
  }
  total(name: string): number {
    return this.emitted.filter((m) => m.name === name).reduce((sum, m) => sum + m.value, 0);
  }
}

/** A pino logger whose JSON lines are kept for assertions. */
export function recordingLogger(): { log: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: "info" }, sink), lines };
}

/** Records what the processor deferred, re-sent and dead-lettered. */
export class FakeRetryQueue implements RetryQueue {
  readonly deferred: { messageId: string; seconds: number }[] = [];
  readonly resent: { message: ReceivedMessage; attributes: Readonly<Record<string, string>>; delaySeconds: number }[] = [];
  readonly deadLettered: { message: ReceivedMessage; attributes: Readonly<Record<string, string>> }[] = [];
  sendFailure: Error | undefined;
  defer(entries: readonly { message: ReceivedMessage; seconds: number }[]): Promise<{ messageId: string; reason: string }[]> {
    this.deferred.push(...entries.map((e) => ({ messageId: e.message.messageId, seconds: e.seconds })));
    return Promise.resolve([]);
  }
  resend(message: ReceivedMessage, attributes: Readonly<Record<string, string>>, delaySeconds: number): Promise<void> {
    if (this.sendFailure) return Promise.reject(this.sendFailure);
    this.resent.push({ message, attributes, delaySeconds });
    return Promise.resolve();
  }
  deadLetter(message: ReceivedMessage, attributes: Readonly<Record<string, string>>): Promise<void> {
    if (this.sendFailure) return Promise.reject(this.sendFailure);
    this.deadLettered.push({ message, attributes });
    return Promise.resolve();
  }
}
