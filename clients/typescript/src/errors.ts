import type { FluxaValidationDetail } from "./api-types";

/** Every error the client raises: `code` is stable, `message` is for people. */
export class FluxaError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** The event's idempotency key, when the error is about one event: resending with it cannot duplicate. */
    readonly idempotencyKey?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** An option is missing or out of range; `option` names it. */
export class FluxaOptionsError extends FluxaError {
  constructor(
    readonly option: string,
    message: string,
  ) {
    super("invalid_options", `FluxaClient option ${option} ${message}`);
  }
}

/** Fluxa refused fields of the event (or of a listing's query): `details` names each one. Resending it unchanged cannot succeed. */
export class FluxaValidationError extends FluxaError {
  constructor(
    readonly details: readonly FluxaValidationDetail[],
    idempotencyKey?: string,
    code = "validation_failed",
  ) {
    super(code, `${code}: ${details.map((d) => `${d.path || "(whole)"} ${d.message}`).join("; ")}`, idempotencyKey);
  }
}

/** Fluxa answered with a status that retrying does not change (a 4xx about the request), or the event is too large to send. */
export class FluxaRejectedError extends FluxaError {
  constructor(
    code: string,
    message: string,
    /** The HTTP status, when Fluxa answered; undefined when the client refused the event before sending it. */
    readonly status: number | undefined,
    idempotencyKey?: string,
  ) {
    super(code, message, idempotencyKey);
  }
}

/** Every attempt failed with a retryable failure (network, 5xx, throttling); `lastFailure` says what the last was. */
export class FluxaRetriesExhaustedError extends FluxaError {
  constructor(
    readonly attempts: number,
    readonly lastFailure: string,
    idempotencyKey?: string,
  ) {
    super("retries_exhausted", `gave up after ${attempts} attempts; the last: ${lastFailure}`, idempotencyKey);
  }
}

/** The buffer was full and the client was told to fail fast (`whenFull: "fail"`). */
export class FluxaBufferFullError extends FluxaError {
  constructor(what: string) {
    super("buffer_full", `the client's buffer is full (${what}); send again once earlier events are sent`);
  }
}

/** `send` after `close()` began. */
export class FluxaClosedError extends FluxaError {
  constructor() {
    super("client_closed", "the client is closed");
  }
}

/** `close()`'s deadline passed before Fluxa confirmed the event: it may or may not be stored; resend it with its idempotency key. */
export class FluxaNotSentError extends FluxaError {
  constructor(idempotencyKey: string) {
    super("not_sent", "the client closed before Fluxa confirmed the event", idempotencyKey);
  }
}
