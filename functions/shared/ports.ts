import type { EventInput, JsonObject } from "./event-schema";
import type { QueueMessage } from "./queue-message";

/** What the core needs from the outside world; AWS adapters and test fakes both implement these. */

export interface EventQueue {
  send(message: QueueMessage): Promise<void>;
  /** Sends every message; returns the positions (in `messages`) of those that were not sent, with why. */
  sendBatch(messages: readonly QueueMessage[]): Promise<BatchSendFailure[]>;
}

export interface BatchSendFailure {
  readonly index: number;
  readonly reason: string;
}

export interface PayloadStore {
  readonly bucket: string;
  put(key: string, body: string, sha256: string): Promise<void>;
  /** The object's text, or undefined when it does not exist. */
  get(bucket: string, key: string): Promise<string | undefined>;
}

export type PayloadMode = "INLINE" | "S3";

/** An event as the processor hands it to the store. */
export interface NewEvent {
  /** The producer whose API key sent it. */
  readonly source: string;
  readonly eventId: string;
  readonly correlationId: string;
  readonly event: EventInput;
  readonly payloadMode: PayloadMode;
  readonly payloadSha256: string;
  readonly payloadKey: string | null;
  readonly receivedAt: string;
}

/** An event as stored and served by GET /events/{id}. */
export interface StoredEvent {
  readonly event_id: string;
  readonly source: string;
  readonly correlation_id: string;
  readonly user_id: string;
  readonly amount: number;
  readonly currency: string;
  readonly merchant: string;
  readonly timestamp: string;
  readonly metadata: JsonObject | null;
  readonly payload_mode: PayloadMode;
  readonly created_at: string;
}

export interface PersistResult {
  /** Every event of the batch's ids not yet published to SNS, stored now or by an earlier delivery. */
  readonly unpublished: StoredEvent[];
  /** Ids already stored with a different payload (an Idempotency-Key reused for another body). */
  readonly conflicting: string[];
  /** Ids of the batch's events not stored because an erasure of their user covers them. */
  readonly erased: string[];
}

/** Where a listing page ends: the last event's sort key, its created_at exact to the microsecond. */
export interface EventSortKey {
  readonly createdAt: string;
  readonly eventId: string;
}

/** One source's events of one user, newest first (created_at DESC, event_id DESC). */
export interface EventListQuery {
  readonly source: string;
  readonly userId: string;
  /** Only events with created_at at or after this instant. */
  readonly from?: string;
  /** Only events with created_at before this instant. */
  readonly to?: string;
  /** Only events after this key in the listing order. */
  readonly after?: EventSortKey;
  readonly limit: number;
}

/**
 * An event of a listing as first read: without its metadata, which is read only for the events a
 * page serves, and with its exact sort key, where a page that ends after it resumes.
 */
export interface ListedEvent {
  readonly event: StoredEvent & { readonly metadata: null };
  /** What the metadata adds to the event's JSON written into an answer's body (`bodyBytesOf`): never less. */
  readonly metadataBytes: number;
  readonly key: EventSortKey;
}

export interface EventPage {
  readonly entries: ListedEvent[];
  /** Whether more events follow the last entry. */
  readonly more: boolean;
}

export interface EventRepository {
  /** Stores the events atomically; an event_id already stored is left as it is. */
  persist(events: readonly NewEvent[]): Promise<PersistResult>;
  markPublished(eventIds: readonly string[]): Promise<void>;
  /** The event, only if it belongs to this source: another source's event is as absent as an unknown id. */
  findById(eventId: string, source: string): Promise<StoredEvent | undefined>;
  list(query: EventListQuery): Promise<EventPage>;
  /** The metadata of each of these events, by event_id. */
  findMetadata(eventIds: readonly string[]): Promise<Map<string, JsonObject | null>>;
}

/** Which stored events a replay delivers: created_at in [from, to), oldest first (created_at, event_id). */
export interface ReplaySelection {
  /** null: from the first event (the outbox sweep). */
  readonly from: string | null;
  readonly to: string;
  readonly userId: string | null;
  /** Only this source's events; null: every source's. */
  readonly source: string | null;
  /** Only events SNS never confirmed (still in the outbox). */
  readonly unpublishedOnly: boolean;
  /** From the archive of dropped partitions (`npm run maintain`) instead of the events table. */
  readonly fromArchive: boolean;
}

export interface StoredReplay extends ReplaySelection {
  readonly replayId: string;
  /** null: the events topic. */
  readonly targetQueueUrl: string | null;
  readonly selected: number;
  readonly selectedEstimated: boolean;
  readonly sent: number;
  readonly failed: number;
  /** The last event confirmed with every event before it; null before the first page. */
  readonly after: EventSortKey | null;
  readonly finished: boolean;
}

export interface ReplayProgress {
  readonly after: EventSortKey | null;
  readonly sent: number;
  readonly failed: number;
  readonly finished: boolean;
}

export interface ReplayStore {
  /** Exact up to a bound; above it the planner's estimate, said so. */
  count(selection: ReplaySelection): Promise<{ readonly count: number; readonly estimated: boolean }>;
  create(replay: Omit<StoredReplay, "sent" | "failed" | "after" | "finished">): Promise<StoredReplay>;
  find(replayId: string): Promise<StoredReplay | undefined>;
  /** Up to `limit` selected events after `after`, in order, each with its exact sort key. */
  page(selection: ReplaySelection, after: EventSortKey | null, limit: number): Promise<{ event: StoredEvent; key: EventSortKey }[]>;
  /**
   * Moves the replay from `expected` to `progress` (counts are added); false if another run moved
   * it first, so two runs of one replay never both advance it.
   */
  advance(replayId: string, expected: EventSortKey | null, progress: ReplayProgress): Promise<boolean>;
}

/** Whose events an erasure deletes: one user's, in one source or (null) every source. */
export interface ErasureSelection {
  readonly userId: string;
  readonly source: string | null;
}

export interface ErasureCounts {
  readonly rows: number;
  /** The S3 payloads of those rows (payload mode S3). */
  readonly payloads: number;
}

/** The audit record of an erasure, which is also its tombstone; the user only as a SHA-256. */
export interface ErasureRecord {
  readonly erasureId: string;
  readonly userIdSha256: string;
  readonly source: string | null;
  /** Events of the user received at or before this instant are deleted and never stored again. */
  readonly erasedAt: string;
  readonly requestedBy: string;
  /** null until the rows and payloads are deleted. */
  readonly erased: ErasureCounts | null;
  readonly finishedAt: string | null;
}

export interface ErasureStore {
  /** What an erasure of these events would delete now (a dry run). */
  count(selection: ErasureSelection, receivedUpTo: string): Promise<ErasureCounts>;
  /**
   * Commits the record, so no insert that starts later stores the user's covered events, then
   * returns once every insert already running has committed (its rows are then visible to delete).
   */
  tombstone(record: ErasureRecord): Promise<void>;
  /** The S3 keys of the selected events' payloads received up to that instant. */
  payloadKeys(selection: ErasureSelection, receivedUpTo: string): Promise<string[]>;
  /** Deletes the selected events received up to that instant; returns how many. */
  deleteEvents(selection: ErasureSelection, receivedUpTo: string): Promise<number>;
  finish(erasureId: string, erased: ErasureCounts, finishedAt: string): Promise<void>;
  /** The newest erasures first. */
  list(limit: number): Promise<ErasureRecord[]>;
}

export interface PayloadEraser {
  /** Deletes these objects of the payload bucket; a key already gone is not an error. */
  deleteAll(keys: readonly string[]): Promise<void>;
}

export interface PublishFailure {
  readonly eventId: string;
  readonly reason: string;
}

export interface EventNotifier {
  /** Publishes the events, each with `attributes` beside its own; returns those that could not be published, with why. */
  publish(events: readonly StoredEvent[], attributes?: Readonly<Record<string, string>>): Promise<PublishFailure[]>;
}

/** A message as received, with what a retry of it needs: its attributes travel with any copy of it. */
export interface ReceivedMessage {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/** What the processor does to the queue beyond reporting failures: defer, re-send, dead-letter. */
export interface RetryQueue {
  /** Makes each message invisible for its seconds; returns the ids whose visibility could not be changed, with why. */
  defer(entries: readonly { readonly message: ReceivedMessage; readonly seconds: number }[]): Promise<{ messageId: string; reason: string }[]>;
  /** Sends a copy of the message back to the events queue, delayed, with these attributes replaced or added. */
  resend(message: ReceivedMessage, attributes: Readonly<Record<string, string>>, delaySeconds: number): Promise<void>;
  /** Sends a copy of the message to the DLQ with these attributes replaced or added. */
  deadLetter(message: ReceivedMessage, attributes: Readonly<Record<string, string>>): Promise<void>;
}

export interface Clock {
  now(): Date;
}

export interface IdSource {
  readonly newEventId: () => string;
  readonly newCorrelationId: () => string;
}

/** The subset of pino the cores log through. */
export interface Log {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}
