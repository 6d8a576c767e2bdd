import { processBatch } from "../../functions/processor/core";
import type { EventRepository, PayloadStore } from "../../functions/shared/ports";

/**
 * Why a dead-lettered message failed, found by running the processor's own core on it with the
 * real payload store and a store and notifier that record nothing: malformed, S3 object missing,
 * hash mismatch, invalid payload... A message the processor would accept now failed for a reason
 * outside itself (database, S3 or SNS unavailable at the time) and is safe to redrive.
 *
 * The processor's own dead-lettered copies carry the reason it gave, in `failure_reason` (`dlq show`
 * prints it as `dead_lettered_for`); a message SQS moved by the redrive policy (deferred through an
 * outage longer than the safety net) carries none. Re-checking says what is true of either now.
 */
export async function diagnose(payloads: PayloadStore, messageId: string, body: string): Promise<string> {
  // The processor's core calls persist and markPublished only; the store's read methods are never reached.
  const noStore = {
    persist: () => Promise.resolve({ unpublished: [], conflicting: [], erased: [] }),
    markPublished: () => Promise.resolve(),
  } as Pick<EventRepository, "persist" | "markPublished"> as EventRepository;
  const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
  try {
    const outcome = await processBatch({ payloads, events: noStore, notifier: { publish: () => Promise.resolve([]) }, log: silent }, [{ messageId, body }]);
    const failure = outcome.failures[0];
    if (!failure) return "valid now: it failed on a dependency (database, S3 or SNS); safe to redrive";
    return failure.kind === "permanent" ? `permanent: ${failure.reason}` : `retryable now: ${failure.reason}`;
  } catch (error) {
    return `could not be checked: ${String(error)}`;
  }
}
