import type { EventRepository, Log } from "../shared/ports";
import { warnNotMarked } from "./core";

/**
 * The event repository with its outbox mark taken off the batch's critical path: `markPublished`
 * starts the mark and returns, so the handler answers SQS without waiting for PostgreSQL a second
 * time. At most one mark is in flight per environment: a mark first waits for the one before it, so
 * a slow database slows the processor down instead of piling marks up in the pool's queue.
 *
 * AWS: work still running when a handler returns resumes only if Lambda reuses the environment. A
 * mark lost that way, like one lost in a crash, loses no event: the row is stored and SNS has it; it
 * stays in the outbox, and a redelivery or the outbox sweep announces it again (TRADEOFFS).
 */
export function markingInBackground(events: EventRepository, log: Log): EventRepository {
  let inFlight: Promise<void> = Promise.resolve();
  return {
    persist: (batch) => events.persist(batch),
    findById: (eventId, source) => events.findById(eventId, source),
    list: (query) => events.list(query),
    findMetadata: (eventIds) => events.findMetadata(eventIds),
    async markPublished(eventIds) {
      await inFlight;
      inFlight = afterThisTurn()
        .then(() => events.markPublished(eventIds))
        .catch((error: unknown) => warnNotMarked(log, eventIds, error));
    },
  };
}

/**
 * Settles in the event loop's check phase, after the handler's answer has left: the mark's client
 * work (slonik building and sending the statement, PostgreSQL starting on it on a shared CPU) no
 * longer runs between the handler's return and its answer. Lambda's Node.js runtime client posts the
 * answer, then asks for the next event from a setImmediate callback queued after this one, so the
 * mark is sent before the environment can be frozen; were it not, it would go at the next invocation.
 */
function afterThisTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
