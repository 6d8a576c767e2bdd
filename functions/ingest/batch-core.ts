import type { EventInput } from "../shared/event-schema";
import type { BatchSendFailure } from "../shared/ports";
import { EnqueueError, prepareMessage, type Accepted, type IngestPorts, type IngestSettings, type PreparedMessage } from "./core";

export interface BatchEvent {
  /** The event's position in the request. */
  readonly index: number;
  readonly event: EventInput;
  readonly eventId: string;
}

export type BatchItemOutcome =
  | { readonly index: number; readonly enqueued: true; readonly accepted: Accepted }
  | { readonly index: number; readonly enqueued: false; readonly stage: "s3" | "sqs"; readonly reason: string };

/**
 * Accepts validated events together: each is prepared as a single event would be (large payloads
 * go to S3 first), then all ready messages go to the queue at once. An event is reported enqueued
 * only when the queue confirmed its message.
 */
export async function ingestBatch(
  ports: IngestPorts,
  settings: IngestSettings,
  source: string,
  events: readonly BatchEvent[],
  correlationId: string,
): Promise<BatchItemOutcome[]> {
  const prepared = await Promise.all(
    events.map((e) =>
      prepareMessage(ports, settings, source, e.event, correlationId, e.eventId).then(
        (message): PreparedMessage | EnqueueError => message,
        (error: unknown) => (error instanceof EnqueueError ? error : new EnqueueError("s3", error)),
      ),
    ),
  );
  const outcomes: BatchItemOutcome[] = [];
  const ready: { index: number; prepared: PreparedMessage }[] = [];
  prepared.forEach((result, position) => {
    const { index } = events[position];
    if (result instanceof EnqueueError) outcomes.push({ index, enqueued: false, stage: result.stage, reason: String(result.cause) });
    else ready.push({ index, prepared: result });
  });
  const failures = await sendAll(ports, ready.map((r) => r.prepared));
  const failed = new Map(failures.map((f) => [f.index, f.reason]));
  ready.forEach(({ index, prepared: { accepted } }, position) => {
    const reason = failed.get(position);
    outcomes.push(reason === undefined ? { index, enqueued: true, accepted } : { index, enqueued: false, stage: "sqs", reason });
  });
  return outcomes.sort((a, b) => a.index - b.index);
}

async function sendAll(ports: IngestPorts, prepared: readonly PreparedMessage[]): Promise<BatchSendFailure[]> {
  if (prepared.length === 0) return [];
  try {
    return await ports.queue.sendBatch(prepared.map((p) => p.message));
  } catch (error) {
    return prepared.map((_, index) => ({ index, reason: String(error) }));
  }
}
