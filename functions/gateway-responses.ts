/**
 * The answers API Gateway gives itself, without a function's say, in Fluxa's error shape
 * (`{"error", "message"}`, the same as the functions' errors) and with X-Correlation-ID. Plain data
 * read by the REST API component (one `aws.apigateway.Response` each), the local gateway and the
 * OpenAPI document's test. It imports nothing.
 */

export const correlationIdHeader = "X-Correlation-ID";

export type GatewayResponseType =
  | "REQUEST_TOO_LARGE"
  | "MISSING_AUTHENTICATION_TOKEN"
  | "INVALID_API_KEY"
  | "THROTTLED"
  | "QUOTA_EXCEEDED"
  | "INTEGRATION_FAILURE"
  | "INTEGRATION_TIMEOUT"
  | "DEFAULT_4XX"
  | "DEFAULT_5XX";

/** Which requests can meet the answer: every route, those needing a key, those with a body, those a function serves, or no route at all. */
export type GatewayResponseScope = "everyRoute" | "keyedRoutes" | "bodyRoutes" | "functionRoutes" | "unknownRoutes";

export interface GatewayResponseSpec {
  readonly responseType: GatewayResponseType;
  /** Undefined: the answer keeps the status API Gateway chose (AWS: a DEFAULT_ response with a status imposes it on every type it covers). */
  readonly statusCode?: number;
  readonly error: string;
  readonly message: string;
  readonly retryAfterSeconds?: number;
  readonly scope: GatewayResponseScope;
  /** The `x-amzn-ErrorType` API Gateway sends with it; the local gateway sends the same. */
  readonly amznErrorType: string;
}

export const gatewayResponses: readonly GatewayResponseSpec[] = [
  {
    responseType: "REQUEST_TOO_LARGE",
    statusCode: 413,
    error: "payload_too_large",
    message: "The request body is over API Gateway's 10 MB limit.",
    scope: "bodyRoutes",
    amznErrorType: "RequestEntityTooLargeException",
  },
  {
    // AWS: a REST API answers a path or method it has no route for as a missing IAM signature (403).
    responseType: "MISSING_AUTHENTICATION_TOKEN",
    statusCode: 404,
    error: "route_not_found",
    message: "No route matches this method and path.",
    scope: "unknownRoutes",
    amznErrorType: "MissingAuthenticationTokenException",
  },
  {
    responseType: "INVALID_API_KEY",
    statusCode: 403,
    error: "invalid_api_key",
    message: "The x-api-key header is missing or names no key of this API.",
    scope: "keyedRoutes",
    amznErrorType: "ForbiddenException",
  },
  {
    responseType: "THROTTLED",
    statusCode: 429,
    error: "throttled",
    message: "Too many requests for this API or API key; retry after Retry-After seconds.",
    retryAfterSeconds: 1,
    scope: "everyRoute",
    amznErrorType: "TooManyRequestsException",
  },
  {
    // No Retry-After: the quota comes back at the end of the usage plan's period, which API Gateway does not expose.
    responseType: "QUOTA_EXCEEDED",
    statusCode: 429,
    error: "quota_exceeded",
    message: "This API key's request quota for the period is used up.",
    scope: "keyedRoutes",
    amznErrorType: "LimitExceededException",
  },
  {
    // AWS: a REST API files a throttled Lambda (TooManyRequestsException beyond the function's reserved
    // concurrency), Lambda's own service errors and a result over the 6 MB response limit all as
    // INTEGRATION_FAILURE, which unmapped falls back to DEFAULT_5XX: a bare 500 no client can tell from a bug.
    responseType: "INTEGRATION_FAILURE",
    statusCode: 503,
    error: "service_unavailable",
    message: "The service cannot take this request now; retry after Retry-After seconds.",
    retryAfterSeconds: 1,
    scope: "functionRoutes",
    amznErrorType: "InternalServerErrorException",
  },
  {
    // AWS: API Gateway waits at most 29 s for a function, which may still finish the work after that.
    responseType: "INTEGRATION_TIMEOUT",
    statusCode: 504,
    error: "integration_timeout",
    message: "The function did not answer in time; the request may have taken effect: retry with the same Idempotency-Key.",
    scope: "functionRoutes",
    amznErrorType: "InternalServerErrorException",
  },
  {
    // Every other refusal (none is expected with this API's configuration) keeps its status.
    responseType: "DEFAULT_4XX",
    error: "request_refused",
    message: "API Gateway refused the request.",
    scope: "everyRoute",
    amznErrorType: "BadRequestException",
  },
  {
    // A function that failed or gave a malformed answer (AWS: 502), or an API configuration error (500).
    responseType: "DEFAULT_5XX",
    statusCode: 502,
    error: "gateway_error",
    message: "The function failed to give an answer.",
    scope: "functionRoutes",
    amznErrorType: "InternalServerErrorException",
  },
];

export function gatewayResponse(responseType: GatewayResponseType): GatewayResponseSpec {
  const spec = gatewayResponses.find((r) => r.responseType === responseType);
  if (!spec) throw new Error(`no gateway response ${responseType}`);
  return spec;
}

/** The body a gateway response answers with. */
export function gatewayResponseBody(spec: GatewayResponseSpec): { error: string; message: string } {
  return { error: spec.error, message: spec.message };
}
