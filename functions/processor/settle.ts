import { eventQueue } from "../topology";
import { deferralSeconds } from "./retry-policy";
import type { Log, ReceivedMessage, RetryQueue } from "../shared/ports";
import { messageAttributeNames } from "../shared/queue-message";
import type { MessageFailure } from "./core";

/** A received message as the processor settles it. */
export interface QueuedMessage extends ReceivedMessage {
  /** ApproximateReceiveCount: every receive, dependency failures included. */
  readonly receiveCount: number;
  /** SentTimestamp: when the message (or the copy of it) was sent. */
  readonly sentAtMs: number;
}

/**
 * What becomes of a message that was not processed:
 * - defer: a dependency failed; it stays in the queue, invisible for longer at every receive, and
 *   counts nothing toward the poison limit (the queue's maxReceiveCount is only a safety net);
 * - retry: it failed permanently for fewer than `poisonReceives` receives; a copy carrying the count
 *   goes back to the queue (SQS cannot change a message's attributes in place);
 * - dead-letter: it failed permanently at its `poisonReceives`th receive; a copy goes to the DLQ.
 */
export type Disposition =
  | { readonly action: "defer"; readonly seconds: number }
  | { readonly action: "retry"; readonly permanentFailures: number; readonly delaySeconds: number }
  | { readonly action: "dead-letter"; readonly permanentFailures: number };

// AWS: SendMessage's DelaySeconds is at most 900.
const maxSendDelaySeconds = 900;

export function dispositionOf(kind: MessageFailure["kind"], receiveCount: number, earlierPermanentFailures: number, visibilityTimeout: number): Disposition {
  if (kind === "retryable") return { action: "defer", seconds: deferralSeconds(receiveCount, visibilityTimeout) };
  const permanentFailures = earlierPermanentFailures + 1;
  if (permanentFailures >= eventQueue.poisonReceives) return { action: "dead-letter", permanentFailures };
  return { action: "retry", permanentFailures, delaySeconds: Math.min(visibilityTimeout, maxSendDelaySeconds) };
}

/** The count a re-sent copy carries; a message without one (or with a mangled one) has none. */
export function earlierPermanentFailures(attributes: Readonly<Record<string, string>>): number {
  const value = attributes[messageAttributeNames.permanentFailures];
  return value !== undefined && /^\d{1,3}$/.test(value) ? Number(value) : 0;
}

export interface SettleOutcome {
  /** Messages to report in batchItemFailures: deferred ones, and any whose copy could not be sent. */
  readonly unacknowledged: string[];
  readonly deferred: number;
  /** Age of the oldest deferred message (since it was sent), when any was deferred. */
  readonly oldestDeferredAgeSeconds?: number;
  readonly retried: number;
  readonly deadLettered: number;
}

/**
 * Applies each failure's disposition. A copy is always sent before the original is acknowledged,
 * so a crash between the two leaves a duplicate (stored once, or dead-lettered twice), never a loss.
 */
export async function settleFailures(
  queue: RetryQueue,
  log: Log,
  messages: readonly QueuedMessage[],
  failures: readonly MessageFailure[],
  visibilityTimeout: number,
  nowMs: number,
): Promise<SettleOutcome> {
  const byId = new Map(messages.map((m) => [m.messageId, m]));
  const unacknowledged: string[] = [];
  const deferrals: { message: QueuedMessage; seconds: number }[] = [];
  let retried = 0;
  let deadLettered = 0;
  for (const failure of failures) {
    const message = byId.get(failure.messageId);
    if (!message) continue;
    const disposition = dispositionOf(failure.kind, message.receiveCount, earlierPermanentFailures(message.attributes), visibilityTimeout);
    logFailure(log, failure, message, disposition);
    if (disposition.action === "defer") {
      deferrals.push({ message, seconds: disposition.seconds });
      unacknowledged.push(message.messageId);
      continue;
    }
    const attributes: Record<string, string> = { [messageAttributeNames.permanentFailures]: String(disposition.permanentFailures) };
    try {
      if (disposition.action === "retry") {
        await queue.resend(message, attributes, disposition.delaySeconds);
        retried += 1;
      } else {
        await queue.deadLetter(message, { ...attributes, [messageAttributeNames.failureReason]: failure.reason.slice(0, 1000) });
        deadLettered += 1;
      }
    } catch (error) {
      unacknowledged.push(message.messageId);
      log.warn({ message_id: message.messageId, event_id: failure.eventId, err: error }, "copy not sent; the message comes back after the visibility timeout");
    }
  }
  for (const refused of deferrals.length > 0 ? await queue.defer(deferrals) : []) {
    log.warn({ message_id: refused.messageId, reason: refused.reason }, "visibility not changed; the message comes back after the visibility timeout");
  }
  const oldestSentAt = Math.min(...deferrals.map((d) => d.message.sentAtMs));
  return {
    unacknowledged,
    deferred: deferrals.length,
    oldestDeferredAgeSeconds: deferrals.length > 0 ? Math.max(0, (nowMs - oldestSentAt) / 1000) : undefined,
    retried,
    deadLettered,
  };
}

function logFailure(log: Log, failure: MessageFailure, message: QueuedMessage, disposition: Disposition): void {
  const fields = {
    message_id: failure.messageId,
    event_id: failure.eventId,
    correlation_id: failure.correlationId,
    source: message.attributes[messageAttributeNames.source],
    receive_count: message.receiveCount,
    failure: failure.kind,
    reason: failure.reason,
    action: disposition.action,
    ...(disposition.action === "defer" ? { retry_in_seconds: disposition.seconds } : { permanent_failures: disposition.permanentFailures }),
  };
  if (failure.kind === "permanent") log.error(fields, "message not processed");
  else log.warn(fields, "message not processed");
}
