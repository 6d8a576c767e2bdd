import type { FluxaEvent } from "./api-types";
import type { FluxaError } from "./errors";

/** One event from `send` until Fluxa accepted it or the client gave up on it. */
export interface Entry {
  readonly event: FluxaEvent;
  readonly idempotencyKey: string;
  /** The batch item's JSON, made once: retries resend these exact bytes. */
  readonly json: string;
  readonly bytes: number;
  readonly queuedAt: number;
  /** Resolves once the entry is settled, either way. */
  readonly settled: Promise<void>;
  succeed(eventId: string): void;
  fail(error: FluxaError): void;
}

/** `{"events":[` and `]}` around the items, and a comma between two. */
const batchEnvelopeBytes = '{"events":[]}'.length;

export function batchBodyBytes(itemBytes: number, items: number): number {
  return batchEnvelopeBytes + itemBytes + Math.max(0, items - 1);
}

export function batchBody(entries: readonly Entry[]): string {
  return `{"events":[${entries.map((e) => e.json).join(",")}]}`;
}

/**
 * The client's bounded buffer: every event held (queued, in flight, waiting to retry) counts
 * against the limits until it is settled; `send`s beyond them wait in arrival order, or fail fast.
 */
export class EventBuffer {
  /** Queued, not yet taken into a batch, oldest first. */
  private readonly queued: Entry[] = [];
  private queuedBytes = 0;
  private heldEvents = 0;
  private heldBytes = 0;
  private readonly waiting: { bytes: number; admit: () => void; refuse: (error: FluxaError) => void }[] = [];

  constructor(private readonly limits: { readonly maxBufferedEvents: number; readonly maxBufferedBytes: number }) {}

  /** Takes room for one event of `bytes` if there is room and no send is waiting before it. */
  tryReserve(bytes: number): boolean {
    if (this.waiting.length > 0 || !this.fits(bytes)) return false;
    this.hold(bytes);
    return true;
  }

  /** What is full, for an error message. */
  describeFull(): string {
    return this.heldEvents + 1 > this.limits.maxBufferedEvents ? `${this.heldEvents} events` : `${this.heldBytes} of ${this.limits.maxBufferedBytes} bytes`;
  }

  /** Waits, behind earlier waiting sends, until there is room for one event of `bytes`, and takes it. */
  waitForRoom(bytes: number): Promise<void> {
    return new Promise<void>((admit, refuse) => this.waiting.push({ bytes, admit, refuse }));
  }

  /** Gives back a settled entry's room and lets waiting sends in, in order. */
  release(bytes: number): void {
    this.heldEvents -= 1;
    this.heldBytes -= bytes;
    while (this.waiting.length > 0 && this.fits(this.waiting[0].bytes)) {
      const next = this.waiting.shift()!;
      this.hold(next.bytes);
      next.admit();
    }
  }

  /** One held event's size changed from `from` to `to` bytes. */
  resize(from: number, to: number): void {
    this.heldBytes += to - from;
  }

  /** Refuses every send still waiting for room. */
  refuseWaiting(error: FluxaError): void {
    for (const waiter of this.waiting.splice(0)) waiter.refuse(error);
  }

  enqueue(entry: Entry): void {
    this.queued.push(entry);
    this.queuedBytes += entry.bytes;
  }

  /** The oldest queued entries that fit one batch; always at least one when any is queued. */
  takeBatch(maxEvents: number, maxBytes: number): Entry[] {
    let count = 0;
    let bytes = 0;
    while (count < this.queued.length && count < maxEvents && (count === 0 || batchBodyBytes(bytes + this.queued[count].bytes, count + 1) <= maxBytes)) {
      bytes += this.queued[count].bytes;
      count++;
    }
    this.queuedBytes -= bytes;
    return this.queued.splice(0, count);
  }

  /** Takes every queued entry out, for close() to report. */
  takeAllQueued(): Entry[] {
    this.queuedBytes = 0;
    return this.queued.splice(0);
  }

  /** Whether the queued entries fill a batch (by count or bytes), so waiting for the interval gains nothing. */
  hasFullBatch(maxEvents: number, maxBytes: number): boolean {
    return this.queued.length >= maxEvents || batchBodyBytes(this.queuedBytes, this.queued.length) >= maxBytes;
  }

  get oldestQueuedAt(): number | undefined {
    return this.queued[0]?.queuedAt;
  }

  get queuedCount(): number {
    return this.queued.length;
  }

  get held(): { readonly events: number; readonly bytes: number } {
    return { events: this.heldEvents, bytes: this.heldBytes };
  }

  private fits(bytes: number): boolean {
    return this.heldEvents + 1 <= this.limits.maxBufferedEvents && this.heldBytes + bytes <= this.limits.maxBufferedBytes;
  }

  private hold(bytes: number): void {
    this.heldEvents += 1;
    this.heldBytes += bytes;
  }
}
