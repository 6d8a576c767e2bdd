import { FluxaOptionsError } from "./errors";

/** Console-compatible `(message, fields)`: `console` itself works; wrap a pino logger as `{ warn: (m, f) => log.warn(f, m), ... }`. Every method is optional. */
export interface FluxaLogger {
  info?(message: string, fields?: Record<string, unknown>): void;
  warn?(message: string, fields?: Record<string, unknown>): void;
  error?(message: string, fields?: Record<string, unknown>): void;
}

/**
 * The numeric options: each one's default and range, in one place (the package README's table is
 * held equal to this by a test).
 */
export const numericOptions = {
  /** Events per POST /events/batch; the server takes at most 100 (MAX_BATCH_EVENTS). */
  maxBatchEvents: { default: 100, min: 1, max: 100 },
  /** Bytes of one batch's request body; the server's body limit (MAX_BODY_BYTES) is 5 MiB by default. */
  maxBatchBytes: { default: 5 * 1024 * 1024, min: 1024, max: 6_000_000 },
  /** A batch that is not full is sent this long after its oldest event was queued. */
  flushIntervalMs: { default: 1000, min: 0, max: 3_600_000 },
  /** Events held at once: queued, in flight, or waiting for a retry. */
  maxBufferedEvents: { default: 10_000, min: 1, max: 10_000_000 },
  /** Bytes (of the events' JSON) held at once. */
  maxBufferedBytes: { default: 32 * 1024 * 1024, min: 1024, max: 4 * 1024 ** 3 },
  /** Batches in flight (or waiting to retry) at once. */
  maxConcurrentBatches: { default: 2, min: 1, max: 64 },
  /** Attempts per request, the first one included. */
  maxAttempts: { default: 10, min: 1, max: 1000 },
  /** The backoff's ceiling before the first retry; it doubles per attempt up to maxBackoffMs, and each wait is drawn from 0 to the ceiling (full jitter). */
  initialBackoffMs: { default: 100, min: 0, max: 60_000 },
  /** The highest backoff ceiling. */
  maxBackoffMs: { default: 20_000, min: 0, max: 3_600_000 },
  /** A longer Retry-After is waited for this long only. */
  maxRetryAfterMs: { default: 60_000, min: 0, max: 3_600_000 },
  /** One request's time limit; a request that takes longer is aborted and retried. */
  requestTimeoutMs: { default: 30_000, min: 1, max: 3_600_000 },
  /** close()'s deadline when it is given none, and the exit hook's. */
  closeTimeoutMs: { default: 10_000, min: 0, max: 3_600_000 },
} as const;

export type NumericOption = keyof typeof numericOptions;

export interface FluxaClientOptions extends Partial<Record<NumericOption, number>> {
  /** Fluxa's API URL, stage included: `https://<api>.execute-api.<region>.amazonaws.com/v1`, or the local stack's `http://localhost:3000`. */
  readonly endpoint: string;
  /** Sent in the x-api-key header. */
  readonly apiKey: string;
  /** When the buffer is full, `send` waits for room ("wait") or rejects at once with FluxaBufferFullError ("fail"). Default "wait". */
  readonly whenFull?: "wait" | "fail";
  /** In Node, drain the buffer (close with closeTimeoutMs) when the event loop empties (`beforeExit`), without keeping the process alive otherwise. Default true. */
  readonly drainOnExit?: boolean;
  /** Told about retries (warn), events that failed (error), close()'s report (info) and what it could not send (warn). Default: none. */
  readonly logger?: FluxaLogger;
  /** The fetch to use. Default: the platform's `fetch`. */
  readonly fetch?: typeof fetch;
}

export interface ResolvedOptions extends Readonly<Record<NumericOption, number>> {
  /** The endpoint without a trailing slash. */
  readonly endpoint: string;
  readonly apiKey: string;
  readonly whenFull: "wait" | "fail";
  readonly drainOnExit: boolean;
  readonly logger: FluxaLogger;
  readonly fetch: typeof fetch;
}

const otherOptions = ["endpoint", "apiKey", "whenFull", "drainOnExit", "logger", "fetch"] as const;

/** The options with defaults filled in, or a FluxaOptionsError naming the first bad one. */
export function resolveOptions(options: FluxaClientOptions): ResolvedOptions {
  if (options === null || typeof options !== "object") throw new FluxaOptionsError("object", "must be given: new FluxaClient({ endpoint, apiKey })");
  const known = new Set<string>([...Object.keys(numericOptions), ...otherOptions]);
  const unknown = Object.keys(options).find((key) => !known.has(key));
  if (unknown !== undefined) throw new FluxaOptionsError(unknown, "is not an option of FluxaClient");
  const numbers = Object.fromEntries(
    (Object.keys(numericOptions) as NumericOption[]).map((name) => [name, numberOption(name, options[name])]),
  ) as Record<NumericOption, number>;
  if (numbers.initialBackoffMs > numbers.maxBackoffMs) throw new FluxaOptionsError("initialBackoffMs", `(${numbers.initialBackoffMs}) must not exceed maxBackoffMs (${numbers.maxBackoffMs})`);
  if (numbers.maxBatchBytes > numbers.maxBufferedBytes) throw new FluxaOptionsError("maxBatchBytes", `(${numbers.maxBatchBytes}) must not exceed maxBufferedBytes (${numbers.maxBufferedBytes})`);
  const fetchImplementation = options.fetch ?? globalThis.fetch;
  if (typeof fetchImplementation !== "function") throw new FluxaOptionsError("fetch", "must be given where the platform has no fetch");
  if (options.whenFull !== undefined && options.whenFull !== "wait" && options.whenFull !== "fail") {
    throw new FluxaOptionsError("whenFull", `must be "wait" or "fail", got ${JSON.stringify(options.whenFull)}`);
  }
  if (typeof options.apiKey !== "string" || options.apiKey === "") throw new FluxaOptionsError("apiKey", "must be a non-empty string");
  return {
    ...numbers,
    endpoint: endpointOption(options.endpoint),
    apiKey: options.apiKey,
    whenFull: options.whenFull ?? "wait",
    drainOnExit: options.drainOnExit ?? true,
    logger: options.logger ?? {},
    fetch: fetchImplementation,
  };
}

function numberOption(name: NumericOption, value: unknown): number {
  const spec = numericOptions[name];
  if (value === undefined) return spec.default;
  if (typeof value !== "number" || !Number.isInteger(value) || value < spec.min || value > spec.max) {
    throw new FluxaOptionsError(name, `must be an integer from ${spec.min} to ${spec.max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function endpointOption(value: unknown): string {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw new FluxaOptionsError("endpoint", `must be an http(s) URL, got ${JSON.stringify(value)}`);
  }
  if (value === undefined || (url.protocol !== "https:" && url.protocol !== "http:")) {
    throw new FluxaOptionsError("endpoint", `must be an http(s) URL, got ${JSON.stringify(value)}`);
  }
  return url.href.replace(/\/+$/, "");
}
