import pino from "pino";
import { Writable } from "node:stream";
import type { MetricsRecorder } from "../../functions/shared/metrics";
import type {
  Clock,
  EventNotifier,
  EventQueue,
  EventStore,
  IdSource,
  NewEvent,
  PayloadStore,
  PersistResult,
  PublishFailure,
  StoredEvent,
} from "../../functions/shared/ports";
import type { QueueMessage } from "../../functions/shared/queue-message";

export class FakeQueue implements EventQueue {
  readonly sent: QueueMessage[] = [];
  failure: Error | undefined;
  send(message: QueueMessage): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    this.sent.push(message);
    return Promise.resolve();
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
export class FakeEventStore implements EventStore {
  readonly rows = new Map<string, StoredEvent & { published: boolean }>();
  failure: Error | undefined;
  readonly hashes = new Map<string, string>();
  persist(events: readonly NewEvent[]): Promise<PersistResult> {
    if (this.failure) return Promise.reject(this.failure);
    const conflicting = events.filter((e) => this.hashes.has(e.eventId) && this.hashes.get(e.eventId) !== e.payloadSha256).map((e) => e.eventId);
    for (const e of events) {
      if (this.rows.has(e.eventId)) continue;
      this.hashes.set(e.eventId, e.payloadSha256);
      this.rows.set(e.eventId, {
        event_id: e.eventId,
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
    return Promise.resolve({ unpublished, conflicting });
  }
  markPublished(eventIds: readonly string[]): Promise<void> {
    for (const id of eventIds) {
      const row = this.rows.get(id);
      if (row) row.published = true;
    }
    return Promise.resolve();
  }
  findById(eventId: string): Promise<StoredEvent | undefined> {
    return Promise.resolve(this.rows.get(eventId));
  }
}

export class FakeNotifier implements EventNotifier {
  readonly published: StoredEvent[] = [];
  failing = new Set<string>();
  publish(events: readonly StoredEvent[]): Promise<PublishFailure[]> {
    const failures: PublishFailure[] = [];
    for (const event of events) {
      if (this.failing.has(event.event_id)) failures.push({ eventId: event.event_id, reason: "unavailable" });
      else this.published.push(event);
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
  addMetric(name: string, _unit: unknown, value: number): this {
    this.emitted.push({ name, value });
    return this;
  }
  publishStoredMetrics(): void {}
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
