import type { FluxaBatchItemResult } from "./api-types";
import { batchBody, type Entry } from "./buffer";
import { FluxaRejectedError, FluxaRetriesExhaustedError, FluxaValidationError } from "./errors";
import { callApi, errorCodeOf, errorMessageOf, type ApiAnswer } from "./http";
import type { ResolvedOptions } from "./options";
import { retryAfterMs, withRetries, type AttemptOutcome } from "./retry";

export interface Counters {
  /** Events Fluxa accepted. */
  sent: number;
  /** Event resends: an event in a batch sent again counts once per resend. */
  retried: number;
  /** Events that failed for good: refused, out of attempts, or not sent by close(). */
  failed: number;
}

export interface DeliveryContext {
  readonly options: ResolvedOptions;
  /** Aborted at close()'s deadline: in-flight requests are cancelled and their events left unsettled. */
  readonly signal: AbortSignal;
  readonly counters: Counters;
  /** The server asked for a pause (Retry-After): no new batch starts before it ends. */
  pauseFor(ms: number): void;
}

/**
 * Sends one batch through POST /events/batch until every event in it is settled: events the 207
 * reports enqueued resolve, refused ones reject, and the rest (enqueue_failed, or the whole request
 * failed) are sent again with the same idempotency keys, so a retry can never store one twice.
 */
export async function deliverBatch(entries: readonly Entry[], context: DeliveryContext): Promise<void> {
  const { options, counters } = context;
  let unsettled = entries;
  const result = await withRetries(
    {
      ...options,
      signal: context.signal,
      onRetry: (reason, attempt, waitMs, fromRetryAfter) => {
        counters.retried += unsettled.length;
        if (fromRetryAfter) context.pauseFor(waitMs);
        options.logger.warn?.("fluxa: retrying a batch", { reason, attempt, events: unsettled.length, wait_ms: waitMs, wait_from: fromRetryAfter ? "retry-after" : "backoff" });
      },
    },
    async (): Promise<AttemptOutcome<void>> => {
      const outcome = await callApi(options, { method: "POST", path: "/events/batch", body: batchBody(unsettled), signal: context.signal });
      if ("retry" in outcome) return outcome;
      const answer = outcome.done;
      if (answer.status === 207 && Array.isArray((answer.body as { results?: unknown } | undefined)?.results)) {
        unsettled = settleResults(unsettled, (answer.body as { results: FluxaBatchItemResult[] }).results, context);
        if (unsettled.length === 0) return { done: undefined };
        return { retry: `${unsettled.length} events not enqueued`, retryAfterMs: retryAfterMs(answer.headers.get("retry-after")) };
      }
      if (answer.status === 413 && unsettled.length > 1) {
        // Larger than this deployment's body limit: halves until each fits.
        const half = Math.ceil(unsettled.length / 2);
        await Promise.all([deliverBatch(unsettled.slice(0, half), context), deliverBatch(unsettled.slice(half), context)]);
        return { done: undefined };
      }
      for (const entry of unsettled) fail(entry, rejection(answer, entry.idempotencyKey), context);
      return { done: undefined };
    },
  );
  if ("gaveUp" in result && !result.aborted) {
    for (const entry of unsettled) fail(entry, new FluxaRetriesExhaustedError(result.attempts, result.gaveUp, entry.idempotencyKey), context);
  }
}

/** Settles what the 207 decided; returns the events to send again, in their order. */
function settleResults(entries: readonly Entry[], results: readonly FluxaBatchItemResult[], context: DeliveryContext): Entry[] {
  const byIndex = new Map(results.map((result) => [result.index, result]));
  const again: Entry[] = [];
  entries.forEach((entry, index) => {
    const result = byIndex.get(index);
    if (result === undefined || ("error" in result && result.error === "enqueue_failed")) {
      again.push(entry);
    } else if ("event_id" in result && typeof result.event_id === "string") {
      context.counters.sent += 1;
      entry.succeed(result.event_id);
    } else if ("details" in result && result.error === "validation_failed") {
      fail(entry, new FluxaValidationError(result.details ?? [], entry.idempotencyKey), context);
    } else {
      const code = "error" in result ? String(result.error) : "unknown_result";
      fail(entry, new FluxaRejectedError(code, `Fluxa did not accept the event: ${code}`, 207, entry.idempotencyKey), context);
    }
  });
  return again;
}

function rejection(answer: ApiAnswer, idempotencyKey: string): FluxaRejectedError {
  return new FluxaRejectedError(errorCodeOf(answer) ?? `http_${answer.status}`, errorMessageOf(answer), answer.status, idempotencyKey);
}

function fail(entry: Entry, error: FluxaRejectedError | FluxaValidationError | FluxaRetriesExhaustedError, context: DeliveryContext): void {
  context.counters.failed += 1;
  context.options.logger.error?.("fluxa: event not accepted", { code: error.code, idempotency_key: entry.idempotencyKey, message: error.message });
  entry.fail(error);
}
