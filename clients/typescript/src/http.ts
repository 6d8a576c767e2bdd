import type { ResolvedOptions } from "./options";
import { isRetryableStatus, retryAfterMs, type AttemptOutcome } from "./retry";

export interface ApiAnswer {
  readonly status: number;
  readonly headers: Headers;
  /** The parsed JSON body; undefined when the body was not JSON. */
  readonly body: unknown;
}

export interface ApiRequest {
  readonly method: "GET" | "POST";
  /** Path and query, after the endpoint: `/events/batch`. */
  readonly path: string;
  readonly body?: string;
  readonly headers?: Record<string, string>;
  /** Aborting it cancels the request. */
  readonly signal: AbortSignal;
}

/** One HTTP request to Fluxa; a network failure or timeout comes back as a retry with the reason. */
export async function callApi(options: ResolvedOptions, request: ApiRequest): Promise<AttemptOutcome<ApiAnswer>> {
  const headers: Record<string, string> = { "x-api-key": options.apiKey, accept: "application/json", ...request.headers };
  if (request.body !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  let text: string;
  try {
    response = await options.fetch(`${options.endpoint}${request.path}`, {
      method: request.method,
      headers,
      body: request.body,
      signal: AbortSignal.any([request.signal, AbortSignal.timeout(options.requestTimeoutMs)]),
    });
    text = await response.text();
  } catch (error) {
    return { retry: `${request.method} ${request.path} failed: ${describe(error)}` };
  }
  const answer = { status: response.status, headers: response.headers, body: parseJson(text) };
  if (!isRetryableStatus(answer.status)) return { done: answer };
  const code = errorCodeOf(answer);
  const reason = `${request.method} ${request.path} answered ${answer.status}${code === undefined ? "" : ` (${code})`}`;
  return { retry: reason, retryAfterMs: retryAfterMs(response.headers.get("retry-after")) };
}

/** The error body's stable code (`validation_failed`, `not_found`, ...), if it has one. */
export function errorCodeOf(answer: ApiAnswer): string | undefined {
  const code = (answer.body as { error?: unknown } | undefined)?.error;
  return typeof code === "string" ? code : undefined;
}

/** The error body's message, or the status. */
export function errorMessageOf(answer: ApiAnswer): string {
  const message = (answer.body as { message?: unknown } | undefined)?.message;
  return typeof message === "string" ? message : `Fluxa answered ${answer.status}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
}
