/** When and how long to wait before trying a request again. */

export interface BackoffSettings {
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
}

/** Full jitter: a wait drawn from 0 to a ceiling that doubles per retry, capped (`retry` counts from 1). */
export function backoffMs(retry: number, settings: BackoffSettings, random: () => number = Math.random): number {
  const ceiling = Math.min(settings.maxBackoffMs, settings.initialBackoffMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}

/** A Retry-After header in milliseconds: delay-seconds or an HTTP-date (RFC 9110); undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = /GMT$/.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Statuses worth retrying: the request itself was fine. 409 is the Idempotency-Key draft's "the
 * first request with this key is still in flight".
 */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 425 || status === 429 || status >= 500;
}

/** Resolves after `ms`, or as soon as `signal` aborts; its timer never keeps a Node process alive. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    unrefTimer(timer);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** Node's timers have unref(); browsers' are numbers. */
export function unrefTimer(timer: ReturnType<typeof setTimeout>): void {
  (timer as { unref?: () => void }).unref?.();
}

/** What one attempt came to: finished, or worth another try (after the server's Retry-After, if it gave one). */
export type AttemptOutcome<T> = { readonly done: T } | { readonly retry: string; readonly retryAfterMs?: number };

export interface RetryLoop extends BackoffSettings {
  readonly maxAttempts: number;
  readonly maxRetryAfterMs: number;
  /** Aborted: stop waiting and trying. */
  readonly signal: AbortSignal;
  /** Before each wait: why, and how long. */
  readonly onRetry?: (reason: string, attempt: number, waitMs: number, fromRetryAfter: boolean) => void;
}

export type RetryResult<T> = { readonly done: T } | { readonly gaveUp: string; readonly attempts: number; readonly aborted: boolean };

/** Runs `attempt` until it is done, the attempts run out, or the signal aborts. */
export async function withRetries<T>(loop: RetryLoop, attempt: (n: number) => Promise<AttemptOutcome<T>>): Promise<RetryResult<T>> {
  for (let n = 1; ; n++) {
    const outcome = await attempt(n);
    if ("done" in outcome) return outcome;
    if (n >= loop.maxAttempts || loop.signal.aborted) return { gaveUp: outcome.retry, attempts: n, aborted: loop.signal.aborted };
    const fromRetryAfter = outcome.retryAfterMs !== undefined;
    const waitMs = outcome.retryAfterMs !== undefined ? Math.min(outcome.retryAfterMs, loop.maxRetryAfterMs) : backoffMs(n, loop);
    loop.onRetry?.(outcome.retry, n, waitMs, fromRetryAfter);
    await sleep(waitMs, loop.signal);
    if (loop.signal.aborted) return { gaveUp: outcome.retry, attempts: n, aborted: true };
  }
}
