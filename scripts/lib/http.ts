/** A response from Fluxa's API: the body parsed as JSON when it is JSON, else the raw text. */
export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

export interface RequestOptions {
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Send the API key (`x-api-key`). Default true. */
  readonly withKey?: boolean;
}

export type ApiClient = (method: "GET" | "POST", path: string, options?: RequestOptions) => Promise<ApiResponse>;

/** Requests against `endpoint` (the stage URL: `https://…/v1`, or the local stack's root) that give up after `timeoutMs`. */
export function apiClient(endpoint: string, apiKey: string, timeoutMs = 15_000): ApiClient {
  const base = endpoint.replace(/\/+$/, "");
  return async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.withKey !== false) headers["x-api-key"] = apiKey;
    if (options.body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${base}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON (a proxy's HTML error page, say): keep the text for the report
    }
    return { status: response.status, headers: response.headers, body };
  };
}

/** A one-line account of a response for a report: `503 enqueue_failed: retry later`. */
export function describeResponse(response: ApiResponse): string {
  const body = response.body as { error?: unknown; message?: unknown } | string | null;
  if (typeof body === "string") return `${response.status} ${body.slice(0, 120)}`;
  const parts = [body?.error, body?.message].filter((p) => typeof p === "string");
  return parts.length > 0 ? `${response.status} ${parts.join(": ")}` : `${response.status}`;
}
