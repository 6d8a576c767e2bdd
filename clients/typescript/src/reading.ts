import type { FluxaEventPage, ListQueryParameters, FluxaStoredEvent } from "./api-types";
import { FluxaRejectedError, FluxaRetriesExhaustedError, FluxaValidationError } from "./errors";
import { callApi, errorCodeOf, errorMessageOf, type ApiAnswer } from "./http";
import type { ResolvedOptions } from "./options";
import { withRetries } from "./retry";

export interface ListQuery {
  readonly userId: string;
  /** Events stored at or after this instant. */
  readonly from?: Date | string;
  /** Events stored before this instant. */
  readonly to?: Date | string;
  /** Events per page (the server's default is 50, its maximum 500). */
  readonly limit?: number;
}

/** GET with retries on network failures, 5xx and throttling; other answers are returned. */
async function getWithRetries(options: ResolvedOptions, path: string, signal: AbortSignal): Promise<ApiAnswer> {
  const result = await withRetries(
    {
      ...options,
      signal,
      onRetry: (reason, attempt, waitMs) => options.logger.warn?.("fluxa: retrying a read", { reason, attempt, wait_ms: waitMs }),
    },
    (): ReturnType<typeof callApi> => callApi(options, { method: "GET", path, signal }),
  );
  if ("done" in result) return result.done;
  throw new FluxaRetriesExhaustedError(result.attempts, result.gaveUp);
}

/** A stored event, or undefined when Fluxa has none with this id (yet: storing is asynchronous). */
export async function getEvent(options: ResolvedOptions, id: string, signal: AbortSignal): Promise<FluxaStoredEvent | undefined> {
  const answer = await getWithRetries(options, `/events/${encodeURIComponent(id)}`, signal);
  if (answer.status === 200) return answer.body as FluxaStoredEvent;
  if (answer.status === 404) return undefined;
  throw refused(answer);
}

/** One user's events page by page, newest first, following next_cursor until it is null. */
export async function* listPages(options: ResolvedOptions, query: ListQuery, signal: AbortSignal): AsyncGenerator<FluxaEventPage, void, undefined> {
  const parameters: Record<string, string> = { user_id: query.userId } satisfies Partial<Record<keyof ListQueryParameters, string>>;
  if (query.from !== undefined) parameters.from = instant(query.from);
  if (query.to !== undefined) parameters.to = instant(query.to);
  if (query.limit !== undefined) parameters.limit = String(query.limit);
  let cursor: string | null | undefined;
  do {
    const search = new URLSearchParams(cursor ? { ...parameters, cursor } : parameters);
    const answer = await getWithRetries(options, `/events?${search.toString()}`, signal);
    if (answer.status !== 200) throw refused(answer);
    const page = answer.body as FluxaEventPage;
    yield page;
    cursor = page.next_cursor;
  } while (cursor);
}

function instant(value: Date | string): string {
  return value instanceof Date ? value.toISOString() : value;
}

function refused(answer: ApiAnswer): FluxaRejectedError | FluxaValidationError {
  const details = (answer.body as { details?: unknown } | undefined)?.details;
  if (answer.status === 400 && Array.isArray(details)) return new FluxaValidationError(details as FluxaValidationError["details"], undefined, errorCodeOf(answer));
  return new FluxaRejectedError(errorCodeOf(answer) ?? `http_${answer.status}`, errorMessageOf(answer), answer.status);
}
