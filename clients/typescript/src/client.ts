import type { FluxaEventPage, FluxaEvent, FluxaStoredEvent } from "./api-types";
import { batchBodyBytes, EventBuffer, type Entry } from "./buffer";
import { deliverBatch, type Counters, type DeliveryContext } from "./delivery";
import { FluxaBufferFullError, FluxaClosedError, FluxaError, FluxaNotSentError, FluxaRejectedError, FluxaValidationError } from "./errors";
import { closeAtExit, forgetAtExit } from "./exit-hook";
import { resolveOptions, type FluxaClientOptions, type ResolvedOptions } from "./options";
import { getEvent, listPages, type ListQuery } from "./reading";
import { unrefTimer } from "./retry";

export interface SendOptions {
  /** 1 to 255 printable ASCII characters. Default: a new random UUID. Resending an event with its key stores it once. */
  readonly idempotencyKey?: string;
}

export interface SentEvent {
  readonly eventId: string;
  readonly idempotencyKey: string;
}

export interface ClientStats {
  /** Events Fluxa accepted. */
  readonly sent: number;
  /** Event resends (one event sent three times counts 2). */
  readonly retried: number;
  /** Events that failed for good: refused, out of attempts, or not sent by close(). */
  readonly failed: number;
  /** Events held now: queued, in flight or waiting to retry. */
  readonly buffered: number;
  readonly bufferedBytes: number;
}

export interface UnsentEvent {
  readonly event: FluxaEvent;
  /** Resend with it (`send(event, { idempotencyKey })`): Fluxa stores the event once even if this attempt reached it. */
  readonly idempotencyKey: string;
}

export interface CloseReport {
  readonly sent: number;
  readonly failed: number;
  /** Events Fluxa had not confirmed at the deadline; their sends rejected with FluxaNotSentError. */
  readonly unsent: readonly UnsentEvent[];
}

const idempotencyKeyPattern = /^[\x21-\x7e]{1,255}$/;
const utf8 = new TextEncoder();
/** Reads are not buffered: close() does not cancel them. */
const reads = new AbortController().signal;

/** Sends events to Fluxa in batches, retries without duplicating, and reads them back. */
export class FluxaClient {
  private readonly options: ResolvedOptions;
  private readonly buffer: EventBuffer;
  private readonly counters: Counters = { sent: 0, retried: 0, failed: 0 };
  private readonly unsettled = new Set<Entry>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly shutdown = new AbortController();
  private readonly delivery: DeliveryContext;
  private wakeTimer: { at: number; timer: ReturnType<typeof setTimeout> } | undefined;
  private pausedUntil = 0;
  /** Above 0 while flush() or close() wants partial batches sent now. */
  private draining = 0;
  private closing: Promise<CloseReport> | undefined;

  constructor(options: FluxaClientOptions) {
    this.options = resolveOptions(options);
    this.buffer = new EventBuffer(this.options);
    this.delivery = {
      options: this.options,
      signal: this.shutdown.signal,
      counters: this.counters,
      pauseFor: (ms) => {
        this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
      },
    };
    if (this.options.drainOnExit) closeAtExit(this);
  }

  /** Queues an event; resolves with its event_id once Fluxa accepted it, or rejects with a FluxaError saying why not. */
  async send(event: FluxaEvent, sendOptions: SendOptions = {}): Promise<SentEvent> {
    if (this.closing) throw new FluxaClosedError();
    const idempotencyKey = sendOptions.idempotencyKey ?? crypto.randomUUID();
    if (!idempotencyKeyPattern.test(idempotencyKey)) {
      throw new FluxaValidationError([{ path: "idempotency_key", message: "must be 1 to 255 printable ASCII characters" }], idempotencyKey);
    }
    let json = itemJson(event, idempotencyKey);
    let bytes = utf8.encode(json).length;
    if (batchBodyBytes(bytes, 1) > this.options.maxBatchBytes) {
      const message = `the event is ${bytes} bytes as JSON; a batch may be ${this.options.maxBatchBytes} (maxBatchBytes)`;
      throw new FluxaRejectedError("payload_too_large", message, undefined, idempotencyKey);
    }
    // Queued in this same turn when there is room, so a flush() right after send() includes the event.
    if (!this.buffer.tryReserve(bytes)) {
      if (this.options.whenFull === "fail") throw new FluxaBufferFullError(this.buffer.describeFull());
      // A waiting send keeps only the caller's event, not a copy of its JSON, so a burst costs no more than the bound.
      json = "";
      await this.buffer.waitForRoom(bytes);
      ({ json, bytes } = this.serialiseAdmitted(event, idempotencyKey, bytes));
    }
    let settle!: { succeed: (eventId: string) => void; fail: (error: FluxaError) => void };
    const result = new Promise<SentEvent>((resolve, reject) => {
      settle = { succeed: (eventId) => resolve({ eventId, idempotencyKey }), fail: reject };
    });
    const entry = this.newEntry(event, idempotencyKey, json, bytes, settle);
    this.unsettled.add(entry);
    this.buffer.enqueue(entry);
    this.dispatch();
    return result;
  }

  /** Sends what is queued now without waiting for the interval; resolves when each of those events is settled. */
  async flush(): Promise<void> {
    const settled = [...this.unsettled].map((entry) => entry.settled);
    this.draining++;
    this.dispatch();
    try {
      await Promise.all(settled);
    } finally {
      this.draining--;
    }
  }

  /**
   * Stops taking events, sends what is held until each is settled or `timeoutMs` passes, then
   * cancels what is still in flight and reports it. Calling it again returns the same report.
   */
  close(timeoutMs: number = this.options.closeTimeoutMs): Promise<CloseReport> {
    this.closing ??= this.drain(timeoutMs);
    return this.closing;
  }

  stats(): ClientStats {
    const held = this.buffer.held;
    return { ...this.counters, buffered: held.events, bufferedBytes: held.bytes };
  }

  /** A stored event, or undefined when there is none with this id (yet: Fluxa stores events asynchronously). */
  get(eventId: string): Promise<FluxaStoredEvent | undefined> {
    return getEvent(this.options, eventId, reads);
  }

  /** One user's events, newest first, across every page. */
  async *list(query: ListQuery): AsyncGenerator<FluxaStoredEvent, void, undefined> {
    for await (const page of this.listPages(query)) yield* page.events;
  }

  /** One user's events page by page (each with its next_cursor), newest first. */
  listPages(query: ListQuery): AsyncGenerator<FluxaEventPage, void, undefined> {
    return listPages(this.options, query, reads);
  }

  /** The event's JSON once it has room; the room follows its size if the event changed while it waited. */
  private serialiseAdmitted(event: FluxaEvent, idempotencyKey: string, reservedBytes: number): { json: string; bytes: number } {
    let json: string;
    try {
      json = itemJson(event, idempotencyKey);
    } catch (error) {
      this.buffer.release(reservedBytes);
      throw error;
    }
    const bytes = utf8.encode(json).length;
    this.buffer.resize(reservedBytes, bytes);
    return { json, bytes };
  }

  private newEntry(event: FluxaEvent, idempotencyKey: string, json: string, bytes: number, settle: Pick<Entry, "succeed" | "fail">): Entry {
    let markSettled!: () => void;
    const settled = new Promise<void>((resolve) => (markSettled = resolve));
    let done = false;
    const finish = () => {
      done = true;
      this.unsettled.delete(entry);
      this.buffer.release(bytes);
      markSettled();
    };
    const entry: Entry = {
      event,
      idempotencyKey,
      json,
      bytes,
      queuedAt: Date.now(),
      settled,
      succeed: (eventId) => {
        if (done) return;
        finish();
        settle.succeed(eventId);
      },
      fail: (error) => {
        if (done) return;
        finish();
        settle.fail(error);
      },
    };
    return entry;
  }

  /** Starts the batches that are due, as far as the concurrency allows, and sets a timer for the next. */
  private dispatch(): void {
    const { maxBatchEvents, maxBatchBytes, maxConcurrentBatches, flushIntervalMs } = this.options;
    while (!this.shutdown.signal.aborted && this.buffer.queuedCount > 0 && this.inFlight.size < maxConcurrentBatches) {
      const now = Date.now();
      if (now < this.pausedUntil) return this.wakeAt(this.pausedUntil);
      const dueAt = this.buffer.oldestQueuedAt! + flushIntervalMs;
      if (this.draining === 0 && now < dueAt && !this.buffer.hasFullBatch(maxBatchEvents, maxBatchBytes)) return this.wakeAt(dueAt);
      const batch = this.buffer.takeBatch(maxBatchEvents, maxBatchBytes);
      const delivery = deliverBatch(batch, this.delivery)
        .catch((error: unknown) => {
          for (const entry of batch.filter((e) => this.unsettled.has(e))) {
            this.counters.failed += 1;
            entry.fail(new FluxaError("client_error", `the client failed to deliver the batch: ${String(error)}`, entry.idempotencyKey));
          }
        })
        .finally(() => {
          this.inFlight.delete(delivery);
          this.dispatch();
        });
      this.inFlight.add(delivery);
    }
  }

  private wakeAt(at: number): void {
    if (this.wakeTimer && this.wakeTimer.at <= at) return;
    if (this.wakeTimer) clearTimeout(this.wakeTimer.timer);
    const timer = setTimeout(() => {
      this.wakeTimer = undefined;
      this.dispatch();
    }, at - Date.now());
    unrefTimer(timer);
    this.wakeTimer = { at, timer };
  }

  private async drain(timeoutMs: number): Promise<CloseReport> {
    forgetAtExit(this);
    this.buffer.refuseWaiting(new FluxaClosedError());
    this.draining++;
    this.dispatch();
    let deadline: ReturnType<typeof setTimeout> | undefined;
    // This timer is not unref'd: it keeps a Node process alive until the drain ends, and no longer.
    await Promise.race([
      Promise.all([...this.unsettled].map((entry) => entry.settled)),
      new Promise<void>((resolve) => (deadline = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(deadline);
    this.shutdown.abort();
    if (this.wakeTimer) clearTimeout(this.wakeTimer.timer);
    await Promise.all(this.inFlight);
    const unsent = [...this.unsettled].map(({ event, idempotencyKey }) => ({ event, idempotencyKey }));
    for (const entry of [...this.unsettled]) {
      this.counters.failed += 1;
      entry.fail(new FluxaNotSentError(entry.idempotencyKey));
    }
    if (unsent.length > 0) this.options.logger.warn?.("fluxa: closed with events not sent", { unsent: unsent.length, keys: unsent.map((u) => u.idempotencyKey) });
    const report = { sent: this.counters.sent, failed: this.counters.failed, unsent };
    this.options.logger.info?.("fluxa: closed", { sent: report.sent, failed: report.failed, unsent: unsent.length });
    return report;
  }
}

function itemJson(event: FluxaEvent, idempotencyKey: string): string {
  try {
    return JSON.stringify({ ...event, idempotency_key: idempotencyKey });
  } catch (error) {
    throw new FluxaValidationError([{ path: "", message: `cannot be written as JSON: ${(error as Error).message}` }], idempotencyKey);
  }
}
